import { incidentStep, observationWeight, SUSPECT, type IncidentPolicy, type IncidentTransition } from './incident.ts';
import { countOpenings, dropLimit, learn, sigma as sigmaOf, type SeriesModel } from './model.ts';
import { levelRuns, predict, type Prediction, type References, type Seasonality } from './references.ts';
import { applyRules, deviationPercent, type DetectionRule, type Range } from './rule.ts';
import { bandSigmas } from './sensitivity.ts';
import type { SeriesOutcome } from '../executions/outcome.ts';

/** One value of one series to judge. */
export interface PointInput {
  readonly at: Date;
  readonly value: number;
  /** Hour of the day in the KPI's time zone (0–23): the noise of many series depends on it. */
  readonly hour: number;
  readonly periodMinutes: number;
  /** The span the value covers (the KPI's lastMinutes); default: the period. */
  readonly windowMinutes?: number;
  /** A baseline the query itself returned (`historical` column); null = from the series' history. */
  readonly historical: number | null;
}

/** What a judgement stood on, recorded with it so that a chart, a message or an audit line can say so. */
export interface Basis {
  readonly source: 'history' | 'query';
  readonly seasonality: Seasonality;
  /** Window ends of the past runs the seasonal value came from (ISO 8601 strings once stored). */
  readonly seasonalPoints: (Date | string)[];
  /** Recent runs that set the level. */
  readonly levelPoints: number;
  /** Past runs whose errors set the band's width. */
  readonly modelPoints: number;
  /** One robust standard deviation; null while the model has seen too little. */
  readonly sigma: number | null;
}

export interface PointJudgement {
  readonly baseline: number | null;
  /** The seasonal part of the baseline, kept with the run for the level of later runs. */
  readonly seasonal: number | null;
  /** What the rules accepted; null when nothing could judge. */
  readonly band: Range | null;
  readonly deviationPercent: number | null;
  readonly outcome: SeriesOutcome;
  readonly basis: Basis;
  /** Kept out of future baselines (see incidentStep). */
  readonly anomalous: boolean;
  /** An incident of this series opened or ended with this run (alerting opens or resolves on it). */
  readonly incident: IncidentTransition;
  readonly model: SeriesModel;
}

const fromQuery = (historical: number): Prediction => ({ baseline: historical, seasonal: historical, seasonality: 'none', seasonalPoints: [], levelPoints: 0 });

const DAY_MS = 86_400_000;
/** A week: until then, the weekly references at any time of day still come from before the change. */
const REGIME_DAYS = 7;
/**
 * A band widens while the history it stands on is short: after a lasting change (a regime, see
 * references.ts) the references of the new level are few and mixed with the old, so the band starts
 * three times as wide when the change becomes the new normal and narrows back with a time constant of
 * a week.
 */
function youngRegime(regimeSince: number | null, at: number): number {
  if (regimeSince === null) return 1;
  const days = Math.max(0, (at - regimeSince) / DAY_MS - 1);
  return 1 + 2 * Math.exp(-days / REGIME_DAYS);
}
const scaled = (sigma: number | null, factor: number): number | null => (sigma === null ? null : sigma * factor);

/**
 * The detector: one value against its baseline and band under the KPI's rules, the incident it
 * belongs to, and what the series' model learns from it. Pure; the scheduler, manual runs, the test
 * run and the backtest all call this and nothing else to judge.
 */
export function judgePoint(rule: DetectionRule, policy: IncidentPolicy, model: SeriesModel, refs: References, input: PointInput, pointsPerWeek: number): PointJudgement {
  const prediction = input.historical !== null ? fromQuery(input.historical) : predict(refs, rule.baselineAggregate, { weeklyFrom: model.weeklyFrom, regimeSince: model.regimeSince, fullLevel: levelRuns(input.periodMinutes) });
  const { baseline } = prediction;
  const sigma = baseline === null ? null : scaled(sigmaOf(model, baseline, input.hour), youngRegime(model.regimeSince, input.at.getTime()));
  const k = rule.sensitivity === null ? null : bandSigmas(rule.sensitivity);
  const limit = baseline === null || k === null ? null : dropLimit(model, baseline, k);
  const verdict = applyRules(rule, input.value, baseline, sigma, limit);
  const breach = verdict.outcome.kind === 'breach';
  const judged = verdict.outcome.kind !== 'no_judgement';
  const half = k !== null && sigma !== null ? k * sigma : null;
  const bandUnits = half !== null && baseline !== null ? (input.value - baseline) / (input.value < baseline ? Math.min(half, limit ?? half) : half) : null;
  const step = judged
    ? incidentStep(model.incident, { at: input.at.getTime(), breach, bandUnits, periodMinutes: input.periodMinutes, windowMinutes: input.windowMinutes }, policy)
    : { state: model.incident, transition: null, anomalous: model.incident.open };
  // A run while evidence of a deviation builds up (the CUSUM at or above what counts as gone) is
  // suspect: it teaches the error scales nothing, or an undetected slow drop would widen the band that
  // should catch it.
  const suspect = !step.state.open && Math.max(step.state.rise, step.state.fall) >= SUSPECT;
  const learned = learn(model, input.value, baseline, input.hour, step.anomalous || suspect, pointsPerWeek, judged && !model.incident.open, observationWeight(input.periodMinutes, input.windowMinutes));
  return {
    baseline, seasonal: prediction.seasonal, band: verdict.range, deviationPercent: deviationPercent(input.value, baseline), outcome: verdict.outcome,
    basis: {
      source: input.historical !== null ? 'query' : 'history', seasonality: prediction.seasonality,
      seasonalPoints: [...prediction.seasonalPoints], levelPoints: prediction.levelPoints, modelPoints: model.points, sigma,
    },
    anomalous: step.anomalous, incident: step.transition,
    model: { points: learned.points, scale: learned.scale, tail: learned.tail, hourScale: learned.hourScale, hourPoints: learned.hourPoints, magnitude: learned.magnitude, integers: learned.integers, nonNegative: learned.nonNegative, calibration: learned.calibration, openings: countOpenings(model.openings, input.periodMinutes, step.transition === 'opened'),
      weeklyFrom: model.weeklyFrom ?? (prediction.seasonality === 'weekly' ? input.at.getTime() : null),
      // An incident whose runs are no longer anomalous has become the new normal: its opening starts a regime.
      regimeSince: step.state.open && !step.anomalous ? step.state.openedAt : model.regimeSince, incident: step.state },
  };
}
