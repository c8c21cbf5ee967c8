import type { BaselineAggregate } from '../kpis/kpi.ts';
import { weeksEarlier } from '../kpis/schedule.ts';

/**
 * The seasonal baseline of a series: the values of the same window (same weekday and time of day in
 * the KPI's time zone) in each of the last N weeks, aggregated by mean or median.
 */

/** The window ends to look for in history, newest first: `weeks` weeks back from `windowEnd`. */
export function pastWindowEnds(windowEnd: Date, weeks: number, timezone: string): Date[] {
  return Array.from({ length: weeks }, (_, i) => weeksEarlier(windowEnd, i + 1, timezone));
}

/**
 * How far a past run's window end may be from the target and still count as "the same window":
 * half the schedule period (so that neighbouring runs are never mistaken for it), at least 1 minute
 * and at most 30 minutes. In milliseconds.
 */
export function windowToleranceMs(periodMinutes: number): number {
  return Math.min(30, Math.max(1, periodMinutes / 2)) * 60_000;
}

export function aggregate(values: readonly number[], how: BaselineAggregate): number | null {
  if (values.length === 0) return null;
  if (how === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A past value found for one target window. */
export interface PastValue {
  readonly target: Date;
  readonly value: number;
}

export type BaselineVerdict =
  | { readonly kind: 'baseline'; readonly value: number; readonly windows: number }
  | { readonly kind: 'insufficient'; readonly windows: number; readonly missing: Date[] };

/**
 * The baseline from the values found, when at least `minWindows` of the targets have one (capped at
 * the number of targets). Otherwise which targets are missing, for a backfill.
 */
export function baselineFrom(targets: readonly Date[], found: readonly PastValue[], minWindows: number, how: BaselineAggregate): BaselineVerdict {
  const have = new Set(found.map((f) => f.target.getTime()));
  const values = found.filter((f) => targets.some((t) => t.getTime() === f.target.getTime())).map((f) => f.value);
  const needed = Math.min(minWindows, targets.length);
  if (values.length >= needed && values.length > 0) return { kind: 'baseline', value: aggregate(values, how)!, windows: values.length };
  return { kind: 'insufficient', windows: values.length, missing: targets.filter((t) => !have.has(t.getTime())) };
}
