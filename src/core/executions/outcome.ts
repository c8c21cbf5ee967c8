import type { IncidentTransition } from '../detection/incident.ts';
import type { Basis } from '../detection/judge-point.ts';
import type { Range } from '../detection/rule.ts';

/**
 * What one execution of a KPI produced, series by series. Alerting builds on these types: a `breach`
 * opens or keeps an alert, `ok` resolves one, `no_judgement` changes nothing.
 */

/** How the run itself went. `stuck`: ran past its timeout plus a grace, or its node died; cancelled. */
export const EXECUTION_STATUSES = ['success', 'failed', 'timeout', 'stuck'] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

export const TRIGGERS = ['schedule', 'manual', 'backfill'] as const;
export type ExecutionTrigger = (typeof TRIGGERS)[number];

/** One rule that a value broke: which rule, its limit and the value it was compared with. */
export type BreachReason =
  /** Outside the adaptive band: `limit` is the band's edge that was crossed. */
  | { readonly rule: 'band'; readonly direction: 'drop' | 'spike'; readonly limit: number; readonly value: number }
  /** `value` and `limit` are percentages: the signed deviation and the KPI's accepted deviation. */
  | { readonly rule: 'deviation'; readonly direction: 'drop' | 'spike'; readonly limit: number; readonly value: number }
  | { readonly rule: 'min_threshold'; readonly limit: number; readonly value: number }
  | { readonly rule: 'max_threshold'; readonly limit: number; readonly value: number }
  /** The query returned no rows and the KPI's noDataPolicy is `breach`: `value` 0 rows, `limit` 1. */
  | { readonly rule: 'no_rows'; readonly limit: number; readonly value: number };

export const NO_JUDGEMENT_REASONS = ['insufficient_history', 'zero_baseline', 'no_rows'] as const;
export type NoJudgementReason = (typeof NO_JUDGEMENT_REASONS)[number];

export type SeriesOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'breach'; readonly reasons: readonly BreachReason[] }
  | { readonly kind: 'no_judgement'; readonly reason: NoJudgementReason };

export type OutcomeKind = SeriesOutcome['kind'];

/** Where the baseline came from: the KPI's own history (incl. backfill), or the query's `historical` column. */
export type BaselineSource = 'history' | 'query';

/** One judged series (one key of a KPI's result; key null for a single-value KPI). */
export interface SeriesResult {
  readonly key: string | null;
  /** Null only when the query returned no rows (outcome `no_judgement`, reason `no_rows`). */
  readonly value: number | null;
  readonly baseline: number | null;
  readonly baselineSource: BaselineSource | null;
  /** How many past windows the baseline aggregates (0 when none, 1 for a `historical` column). */
  readonly baselineWindows: number;
  /** (value - baseline) / baseline × 100, signed; null without a baseline or with a zero baseline and a non-zero value. */
  readonly deviationPercent: number | null;
  readonly outcome: SeriesOutcome;
  /** The seasonal part of the baseline (kept for the level of later runs); null without one. */
  readonly seasonal: number | null;
  /** What the rules accepted for this value ([low, high], null = unbounded); null when nothing could judge. */
  readonly band: Range | null;
  /** What the baseline and band stood on; null when the run returned no value. */
  readonly basis: Basis | null;
  /** Kept out of future baselines: a breach, or a run inside an incident. */
  readonly anomalous: boolean;
  /** An incident of this series opened or ended with this run. */
  readonly incident: IncidentTransition;
}

/** The data window a run covers: [windowStart, windowEnd). windowEnd is the slot (scheduled) or now (manual). */
export interface ExecutionWindow {
  readonly start: Date;
  readonly end: Date;
}

/** One run of a KPI: every series it judged, or the error that stopped it. */
export interface ExecutionResult {
  /** Groups the history rows of one run (one row per series); `exe_…`. */
  readonly runId: string;
  readonly kpiId: string;
  readonly trigger: ExecutionTrigger;
  /** The schedule slot this run belongs to (scheduled runs), else the window end. */
  readonly slot: Date;
  readonly window: ExecutionWindow;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly status: ExecutionStatus;
  /** Why the run failed; null on success. Names the columns found when the result shape is wrong. */
  readonly error: string | null;
  readonly rowsReturned: number;
  readonly series: readonly SeriesResult[];
  readonly nodeId: string;
  readonly traceId: string | null;
}

export const durationMs = (r: Pick<ExecutionResult, 'startedAt' | 'finishedAt'>): number =>
  r.finishedAt.getTime() - r.startedAt.getTime();

export const breaches = (r: ExecutionResult): SeriesResult[] => r.series.filter((s) => s.outcome.kind === 'breach');
