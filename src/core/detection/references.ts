import type { BaselineAggregate } from '../kpis/kpi.ts';
import { daysEarlier, weeksEarlier } from '../kpis/schedule.ts';
import { mean, median } from './stats.ts';

/**
 * Which past judgements of a series the next one is measured against, and the baseline they give.
 * Three kinds of reference: the same time on each of the last six days, the same time in each of the
 * last weeks, and the most recent runs (the current level). Pure: the store and the backtest both fetch
 * what `referencePlan` names and hand it to `predict`.
 */

/** One past judgement of a series, as later judgements need it. */
export interface PastPoint {
  /** The window end of that run. */
  readonly at: Date;
  readonly value: number;
  /** The seasonal value that run was measured against; null when it had none (only a level). */
  readonly seasonal: number | null;
  /** Judged out of the ordinary: a breach, or inside an incident that had not become the new normal. */
  readonly anomalous: boolean;
}

/**
 * Past anomalies stay out of the baselines of the future: a point serves as the season of a later day
 * unless it was an anomaly against a season (an anomaly judged against the level only, on the first
 * days, still teaches the daily shape); it serves as the current level only if it was no anomaly.
 * The store's SQL (executions.repo.ts) applies the same two rules.
 */
export const servesAsSeason = (p: PastPoint): boolean => !p.anomalous || p.seasonal === null;
export const servesAsLevel = (p: PastPoint): boolean => !p.anomalous;

export interface ReferencePlan {
  /** The run's window end; every reference lies before it. */
  readonly slot: Date;
  /** Level points: at most this many, newest first, none older than `recentSince`. */
  readonly recentLimit: number;
  readonly recentSince: Date;
  /** Same time 1…6 days earlier (wall clock in the KPI's time zone). */
  readonly daily: readonly Date[];
  /** Same time 1…weeks weeks earlier. */
  readonly weekly: readonly Date[];
  /** How far a past run's window end may be from a target and still be "the same time", ms. */
  readonly toleranceMs: number;
  /**
   * Offsets (ms, ascending, never 0) of the neighbours of each weekly target: the runs around the same
   * time of that week, whose mean with it is that week's seasonal value (seasonTargets).
   */
  readonly around: readonly number[];
}

const MINUTE = 60_000;

/** Half the period, at least a minute, at most 30 minutes (neighbouring runs are never mistaken for it). */
export const toleranceMs = (periodMinutes: number): number => Math.min(30, Math.max(1, periodMinutes / 2)) * MINUTE;

/** Runs that make a full level: the last hour of runs, 3 to 60 of them. */
export const levelRuns = (periodMinutes: number): number => Math.min(60, Math.max(3, Math.round(60 / periodMinutes)));

/**
 * Half the span around a weekly target whose runs smooth it: the hour over which the level already
 * takes a series' departure from its season to be constant, centred on the target so that a steady
 * slope of the season cancels out (what is left is its curvature: on a daily cycle, well under 1 %).
 */
const AROUND_MINUTES = 30;
/**
 * At most this many neighbours each side: 13 runs already cut a week's noise to a quarter of one
 * run's σ (1/√13), and more only add store look-ups (a 1-minute KPI would otherwise read 60 per week).
 */
const MAX_NEIGHBOURS_PER_SIDE = 6;

/**
 * The neighbours' offsets, ascending: one run per independent window (a window apart; runs closer
 * together share its data and add little), at most MAX_NEIGHBOURS_PER_SIDE of them evenly spaced, within
 * AROUND_MINUTES either side; none for a period of more than half an hour.
 */
export function neighbourOffsets(periodMinutes: number, windowMinutes: number): readonly number[] {
  const step = Math.max(periodMinutes, windowMinutes, 1, AROUND_MINUTES / MAX_NEIGHBOURS_PER_SIDE);
  const known = OFFSETS.get(step);
  if (known !== undefined) return known;
  const out: number[] = [];
  for (let j = Math.floor(AROUND_MINUTES / step); j >= 1; j--) out.push(-j * step * MINUTE);
  for (let j = 1; j * step <= AROUND_MINUTES; j++) out.push(j * step * MINUTE);
  OFFSETS.set(step, out);
  return out;
}
/** The offsets per step (a plan is made for every run; the steps of a store's KPIs are few). */
const OFFSETS = new Map<number, readonly number[]>();

/** The level is the last hour of runs (3 to 60 of them), none older than three such spans. */
export function referencePlan(slot: Date, periodMinutes: number, weeks: number, timezone: string, windowMinutes = periodMinutes): ReferencePlan {
  const recentLimit = levelRuns(periodMinutes);
  const horizonMinutes = 3 * Math.max(60, 3 * periodMinutes);
  return {
    slot,
    recentLimit,
    recentSince: new Date(slot.getTime() - horizonMinutes * MINUTE),
    daily: Array.from({ length: 6 }, (_, i) => daysEarlier(slot, i + 1, timezone)),
    weekly: Array.from({ length: weeks }, (_, i) => weeksEarlier(slot, i + 1, timezone)),
    toleranceMs: toleranceMs(periodMinutes),
    around: neighbourOffsets(periodMinutes, windowMinutes),
  };
}

/**
 * Every seasonal target of a plan, in the order `referencesFound` reads them: the daily ones, the
 * weekly ones, then the neighbours of each weekly one in turn (ascending). The store and the backtest
 * both look up the run nearest each within the tolerance.
 */
export function seasonTargets(plan: ReferencePlan): Date[] {
  const out = [...plan.daily, ...plan.weekly];
  for (const w of plan.weekly) for (const o of plan.around) out.push(new Date(w.getTime() + o));
  return out;
}

/** References from the level runs and what was found at each of seasonTargets(plan) (null = nothing). */
export function referencesFound(plan: ReferencePlan, recent: readonly PastPoint[], found: readonly (PastPoint | null)[]): References {
  const d = plan.daily.length;
  const c = d + plan.weekly.length;
  const a = plan.around.length;
  const base = { recent, daily: found.slice(0, d), weekly: found.slice(d, c) };
  if (a === 0) return base;
  const weeklyAround: PastPoint[][] = [];
  for (let i = 0; i < plan.weekly.length; i++) {
    const near: PastPoint[] = [];
    for (let j = c + i * a; j < c + (i + 1) * a; j++) if (found[j] != null) near.push(found[j]!);
    weeklyAround.push(near);
  }
  return { ...base, weeklyAround };
}

/** What the store or the backtest found for a plan: null where no eligible run was near a target. */
export interface References {
  /** Newest first; every one serves as level. */
  readonly recent: readonly PastPoint[];
  readonly daily: readonly (PastPoint | null)[];
  readonly weekly: readonly (PastPoint | null)[];
  /** Per weekly target, the runs found around it (plan.around); none when absent. */
  readonly weeklyAround?: readonly (readonly PastPoint[])[];
}

export const NO_REFERENCES: References = { recent: [], daily: [], weekly: [] };

export type Seasonality = 'weekly' | 'daily' | 'none';

export interface Prediction {
  /** The expected value; null when there is no past at all. */
  readonly baseline: number | null;
  /** The seasonal part of it (before the level correction); null without seasonal references. */
  readonly seasonal: number | null;
  readonly seasonality: Seasonality;
  /** Window ends of the seasonal references used. */
  readonly seasonalPoints: readonly Date[];
  /** How many recent runs set the level. */
  readonly levelPoints: number;
}

/** What the series' model knows that the level needs: the season its latest runs were judged on, and since when. */
export interface LevelContext {
  /** When the series was first judged on a weekly season (ms); null = not yet. */
  readonly weeklyFrom: number | null;
  /**
   * Start of the current regime (ms): an incident that lasted a day became the new normal. Seasonal
   * references from before it belong to the old level and are left out while later ones exist.
   */
  readonly regimeSince: number | null;
  /** Level points that make a full level (levelRuns); with fewer, the level counts for their share. */
  readonly fullLevel: number;
}

/** Without a model: every recent run taken as judged on the season of this one, the level in full. */
const NO_CONTEXT: LevelContext = { weeklyFrom: -Infinity, regimeSince: null, fullLevel: 1 };

/**
 * The targets that have a run of their own that may serve as season, each with its value replaced by
 * the mean of it and the neighbours around it that may (`around`, weekly targets only). One run of a
 * week carries all of that run's noise; the mean of an hour's independent windows about √(their
 * number) less (a mean, not a median: for counts it is the efficient estimate and unbiased however
 * skewed the counts are; runs of past anomalies are already left out, and the weeks are then combined
 * by the KPI's aggregate, a median by default, so one odd week still does not move the season).
 * Daily targets stay single runs: a span around the same time of each of the last six days straddles
 * a weekday/weekend step of the season as often as not (smoothing them too opened a false alert there).
 */
function present(ps: readonly (PastPoint | null)[], around?: readonly (readonly PastPoint[])[]): PastPoint[] {
  const out: PastPoint[] = [];
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    if (p === null || !servesAsSeason(p)) continue;
    const near = around?.[i];
    let sum = p.value;
    let n = 1;
    if (near !== undefined) {
      for (const q of near) {
        if (servesAsSeason(q)) {
          sum += q.value;
          n++;
        }
      }
    }
    out.push(n === 1 ? p : { at: p.at, value: sum / n, seasonal: p.seasonal, anomalous: p.anomalous });
  }
  return out;
}

/** The references of the current regime, when at least `enough` of them exist; else all of them. */
function current(ps: PastPoint[], since: number | null, enough: number): PastPoint[] {
  if (since === null) return ps;
  const after = ps.filter((p) => p.at.getTime() >= since);
  return after.length >= enough ? after : ps;
}

/**
 * The baseline: the same time of past weeks when at least two weeks have it, else of past days, moved
 * by the current level: the median of the recent runs' differences from their own seasonal values,
 * counted for the share of a full level (an hour of runs) it stands on, so that one or two runs of a
 * gradual onset do not move the baseline after them. A recent run judged on the other kind of season
 * (before the weekly season took over) has its difference moved by how far the two seasons lie apart
 * now, so that a level against daily seasons is not added to a weekly one. Without any seasonal
 * reference, the baseline is the median of the recent runs.
 */
export function predict(refs: References, aggregate: BaselineAggregate, context: LevelContext = NO_CONTEXT): Prediction {
  const combine = (values: readonly number[]): number => (aggregate === 'mean' ? mean(values) : median(values));
  const weekly = current(present(refs.weekly, refs.weeklyAround), context.regimeSince, 2);
  const daily = current(present(refs.daily), context.regimeSince, 1);
  const seasonalRefs = weekly.length >= 2 ? weekly : daily.length >= 1 ? daily : [];
  const seasonality: Seasonality = seasonalRefs.length === 0 ? 'none' : seasonalRefs === weekly ? 'weekly' : 'daily';
  const recent = refs.recent.filter(servesAsLevel);
  if (seasonalRefs.length === 0) {
    const baseline = recent.length > 0 ? median(recent.map((p) => p.value)) : null;
    return { baseline, seasonal: null, seasonality, seasonalPoints: [], levelPoints: recent.length };
  }
  const seasonal = combine(seasonalRefs.map((p) => p.value));
  // Runs before the first weekly judgement were judged on daily seasons.
  const shift = seasonality === 'weekly' && daily.length >= 1 ? combine(daily.map((p) => p.value)) - seasonal : 0;
  const weeklyFrom = context.weeklyFrom ?? Infinity;
  const offsets = recent.filter((p) => p.seasonal !== null).map((p) => p.value - p.seasonal! + (p.at.getTime() < weeklyFrom ? shift : 0));
  const level = offsets.length > 0 ? median(offsets) * Math.min(1, offsets.length / context.fullLevel) : 0;
  return { baseline: seasonal + level, seasonal, seasonality, seasonalPoints: seasonalRefs.map((p) => p.at), levelPoints: offsets.length };
}
