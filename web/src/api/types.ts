// The API's shapes as the dashboard reads them (see /api/docs for the full document).

export type TileStatus = 'alerting' | 'failing' | 'breaching' | 'ok' | 'no_history' | 'inactive';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** GET /kpis/overview */
export interface Tile {
  readonly id: string;
  readonly indicator: string;
  readonly owner: string;
  readonly priority: number;
  readonly active: boolean;
  readonly status: TileStatus;
  readonly key: string | null;
  readonly lastValue: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  readonly outcome: string | null;
  readonly lastRunAt: string | null;
  readonly lastStatus: string | null;
  readonly lastError: string | null;
  readonly nextRunAt: string | null;
  readonly openAlerts: number;
  readonly sparkline: { readonly at: string; readonly value: number | null }[];
}

export interface KpiFields {
  indicator: string;
  owner: string;
  priority: 1 | 2;
  frequencyMinutes: number | null;
  cron: string | null;
  timezone: string;
  lastMinutes: number;
  /** The adaptive band around the seasonal baseline; null = no band. */
  sensitivity: Sensitivity | null;
  /** Accepted deviation from the baseline in %; null = no percentage rule. */
  deviationPercent: number | null;
  direction: 'drop' | 'spike' | 'both';
  minThreshold: number | null;
  maxThreshold: number | null;
  thresholdCombine: 'any' | 'all';
  baselineWeeks: number;
  baselineAggregate: 'mean' | 'median';
  /** A run whose query returns no rows. */
  noDataPolicy: 'ok' | 'breach' | 'no_judgement';
  dataSourceId: string;
  query: string;
  subjectTemplate: string;
  descriptionTemplate: string;
  contactIds: string[];
  /** `{ team: 'payments' }`: what routes match on, and `{labels.team}` in templates. */
  labels: Record<string, string>;
  cooldownMinutes: number;
  timeoutSeconds: number;
  active: boolean;
  /** The KPI's alert policy; null = the service's ALERT_* setting. */
  pendingExecutions: number | null;
  resolveAfterExecutions: number | null;
  failingAfterFailures: number | null;
  reminderMinutes: number | null;
  escalateAfterMinutes: number | null;
}

export interface Kpi extends KpiFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastRunAt?: string | null;
  readonly nextRunAt?: string | null;
  readonly lastValue?: number | null;
  readonly lastStatus?: string | null;
}

export type Sensitivity = 'low' | 'medium' | 'high';

/**
 * One rule a value broke. `band`: limit = the band edge crossed, value = the value; `deviation`: both
 * in %; thresholds: the threshold and the value. `direction` (drop or spike) for band and deviation.
 */
export interface BreachReason {
  readonly rule: 'band' | 'deviation' | 'min_threshold' | 'max_threshold' | (string & {});
  readonly direction?: string;
  readonly limit: number;
  readonly value: number;
}

/** What the rules accepted for a value; a null side is unbounded. */
export interface Band {
  readonly low: number | null;
  readonly high: number | null;
}

/** What a judgement's baseline and band stood on. */
export interface Basis {
  /** history, or query (the query's own historical column). */
  readonly source: string;
  readonly seasonality: 'weekly' | 'daily' | 'none';
  /** Window ends of the past runs the seasonal value came from. */
  readonly seasonalPoints: readonly string[];
  /** Recent runs that set the level. */
  readonly levelPoints: number;
  /** Past runs whose errors set the band's width. */
  readonly modelPoints: number;
  /** One robust standard deviation of the series' errors; null while the model has seen too little. */
  readonly sigma: number | null;
}

/** How a run judged one series: the same fields in execution records and in run results. */
interface Judged {
  readonly value: number | null;
  readonly baseline: number | null;
  readonly baselineSource: string | null;
  readonly baselineWindows: number;
  readonly deviationPercent: number | null;
  /** Null when nothing could judge the value. */
  readonly band: Band | null;
  readonly basis: Basis | null;
  /** Kept out of future baselines: a breach, or inside an incident. */
  readonly anomalous: boolean;
}

export interface ExecutionRecord extends Judged {
  readonly id: string;
  readonly runId: string;
  readonly key: string | null;
  readonly trigger: string;
  readonly startedAt: string;
  readonly windowEnd: string;
  readonly durationMs: number;
  readonly status: string;
  readonly outcome: string | null;
  readonly reasons: BreachReason[] | null;
  readonly noJudgementReason: string | null;
  readonly error: string | null;
}

export interface SeriesResult extends Judged {
  readonly key: string | null;
  readonly outcome: { readonly kind: string; readonly reasons?: BreachReason[]; readonly reason?: string };
  /** The series' incident (its alert) opened or ended with this run; a dry run or test says what would. */
  readonly incident: 'opened' | 'ended' | null;
}

/** POST /kpis/{id}/execute (dryRun or not) */
export interface Evaluation {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly status: string;
  readonly error: string | null;
  readonly durationMs: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly series: SeriesResult[];
  readonly backfilled: number;
}

/** POST /kpis/test */
export interface DefinitionTest extends Evaluation {
  readonly messages: { key: string | null; subject: string; body: string; sms: string; severity: string }[];
  /** With days: the backtest of the definition (done, or running: poll its location). */
  readonly backtest?: BacktestJob;
}

export interface Alert {
  readonly id: string;
  readonly kind: string;
  readonly kpiId: string;
  readonly indicator: string;
  /** The series; null for a single-value KPI. */
  readonly key: string | null;
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly severity: string;
  readonly openedAt: string;
  readonly resolvedAt: string | null;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  /** The rule when it opened; null = that rule was off. */
  readonly thresholds: { readonly sensitivity: Sensitivity | null; readonly deviationPercent: number | null; readonly min: number | null; readonly max: number | null };
  /** What the rules accepted when it opened. */
  readonly band: Band | null;
  readonly reasons: readonly BreachReason[];
  readonly subject: string;
  /** The silence holding it: recorded, nobody notified until it ends. */
  readonly silenceId: string | null;
  readonly silencedUntil: string | null;
}

export interface Silence {
  readonly id: string;
  readonly kpiIds: readonly string[] | null;
  readonly owner: string | null;
  readonly keyPattern: string | null;
  readonly priority: 1 | 2 | null;
  readonly severity: string | null;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly comment: string;
  readonly createdBy: string;
  readonly state: 'active' | 'ended' | 'expired';
  readonly inForce: boolean;
  readonly version: number;
}

export interface AuditEntry {
  readonly position: number;
  readonly recordedAt: string;
  readonly actor: string;
  readonly actorKind: string;
  readonly eventType: string;
  readonly summary: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly entityVersion: number;
  readonly changes: Record<string, { from: unknown; to: unknown }> | null;
}

export interface Named {
  readonly id: string;
  readonly name: string;
}

/** One rule's backtest: what it would have done over the replayed windows. */
export interface RuleBacktest {
  readonly alerts: { id: string; series: string | null; openedAt: string; resolvedAt: string | null; notifiedAt: string | null; peakDeviationPercent: number | null; why: string }[];
  readonly counts: { alerts: number; messages: number; alertsPerWeek: number; messagesPerWeek: number; byRecipient: { contactId: string | null; address: string; channel: string; messages: number; messagesPerWeek: number }[] };
  readonly ranges: { kind: string; from: string; to: string; windows: number }[];
  readonly points: BacktestPoint[];
}

export interface BacktestPoint {
  readonly at: string;
  readonly series: string | null;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly bandLow: number | null;
  readonly bandHigh: number | null;
  readonly outcome: string;
  readonly reason: string | null;
  readonly origin: string;
  readonly alertId: string | null;
}

/** POST /kpis/{id}/backtest, GET /kpis/{id}/backtest/{jobId}, and the `backtest` of POST /kpis/test with days. */
export interface BacktestJob extends Partial<RuleBacktest> {
  readonly id: string;
  readonly kpiId: string | null;
  readonly status: 'running' | 'done' | 'failed' | 'cancelled';
  readonly progress: { done: number; total: number };
  readonly error: string | null;
  readonly location: string;
  readonly days?: number;
  readonly from?: string;
  readonly to?: string;
  readonly sourceQueries?: number;
  readonly limitReached?: string | null;
  readonly windows?: { total: number; history: number; source: number; none: number; notRun: number; failed: number };
  readonly current?: RuleBacktest | null;
}
