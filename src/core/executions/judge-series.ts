import { policyFor, type AlertPolicy } from '../alerts/judgement.ts';
import { judgePoint, type PointJudgement } from '../detection/judge-point.ts';
import { NEW_MODEL, type SeriesModel } from '../detection/model.ts';
import { NO_REFERENCES, referencePlan, type ReferencePlan, type References } from '../detection/references.ts';
import type { DetectionRule } from '../detection/rule.ts';
import { kpiSchedule, type Kpi } from '../kpis/kpi.ts';
import { localHour, periodMinutes } from '../kpis/schedule.ts';
import type { ExecutionWindow, SeriesResult } from './outcome.ts';
import type { RawSeries } from './result-shape.ts';
import { seriesKey } from './transitions.ts';

/** A series' model and the references of a plan, as the store (or the backtest) found them. */
export interface SeriesPast {
  readonly model: SeriesModel;
  readonly refs: References;
}

/**
 * The past of a KPI's series that a judgement needs: one call per run and KPI, for all its series
 * (keys as stored: '' for a keyless KPI). A key never seen has no entry.
 */
export interface SeriesHistory {
  load(kpiId: string, keys: readonly string[], plan: ReferencePlan): Promise<ReadonlyMap<string, SeriesPast>>;
}

/** A judged series with the model to keep for its next run. */
export interface JudgedSeries {
  readonly result: SeriesResult;
  readonly model: SeriesModel;
}

export const ruleOf = (kpi: Kpi): DetectionRule => ({
  sensitivity: kpi.sensitivity, deviationPercent: kpi.deviationPercent, minThreshold: kpi.minThreshold, maxThreshold: kpi.maxThreshold,
  direction: kpi.direction, thresholdCombine: kpi.thresholdCombine, baselineAggregate: kpi.baselineAggregate,
});

/** The schedule's period at a slot and the reference plan for it. */
export function planFor(kpi: Kpi, slot: Date): { plan: ReferencePlan; periodMinutes: number } {
  const period = periodMinutes(kpiSchedule(kpi), slot);
  return { plan: referencePlan(slot, period, kpi.baselineWeeks, kpi.timezone, kpi.lastMinutes), periodMinutes: period };
}

export function seriesResultOf(key: string | null, value: number, j: PointJudgement): SeriesResult {
  return {
    key, value, baseline: j.baseline, baselineSource: j.baseline === null ? null : j.basis.source,
    baselineWindows: j.basis.source === 'query' ? 1 : j.basis.seasonalPoints.length || j.basis.levelPoints,
    deviationPercent: j.deviationPercent, outcome: j.outcome, seasonal: j.seasonal, band: j.band, basis: j.basis,
    anomalous: j.anomalous, incident: j.incident,
  };
}

/**
 * Judges every series of one run against its past. Pure given the loaded past: the scheduler, manual
 * runs, the editor's test and the backtest all come through here.
 */
export function judgeLoaded(kpi: Kpi, global: AlertPolicy, window: ExecutionWindow, series: readonly RawSeries[], past: ReadonlyMap<string, SeriesPast>, period: number): JudgedSeries[] {
  const policy = policyFor(global, kpi);
  const rule = ruleOf(kpi);
  const hour = localHour(window.end, kpi.timezone);
  const pointsPerWeek = (7 * 1440) / period;
  return series.map((s) => {
    const found = past.get(seriesKey(s.key));
    const model = found?.model ?? NEW_MODEL;
    const j = judgePoint(rule, policy, model, found?.refs ?? NO_REFERENCES, { at: window.end, value: s.value, hour, periodMinutes: period, windowMinutes: (window.end.getTime() - window.start.getTime()) / 60_000, historical: s.historical }, pointsPerWeek);
    return { result: seriesResultOf(s.key, s.value, j), model: j.model };
  });
}
