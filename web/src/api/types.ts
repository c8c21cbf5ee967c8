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
  deviationPercent: number;
  direction: 'drop' | 'spike' | 'both';
  minThreshold: number | null;
  maxThreshold: number | null;
  thresholdCombine: 'any' | 'all';
  baselineWeeks: number;
  baselineAggregate: 'mean' | 'median';
  dataSourceId: string;
  query: string;
  subjectTemplate: string;
  descriptionTemplate: string;
  contactIds: string[];
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

export interface BreachReason {
  readonly rule: string;
  readonly direction?: string;
  readonly limit: number;
  readonly value: number;
}

export interface ExecutionRecord {
  readonly id: string;
  readonly runId: string;
  readonly key: string | null;
  readonly trigger: string;
  readonly startedAt: string;
  readonly windowEnd: string;
  readonly durationMs: number;
  readonly status: string;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  readonly outcome: string | null;
  readonly reasons: BreachReason[] | null;
  readonly noJudgementReason: string | null;
  readonly error: string | null;
}

export interface SeriesResult {
  readonly key: string | null;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly baselineWindows: number;
  readonly deviationPercent: number | null;
  readonly outcome: { readonly kind: string; readonly reasons?: BreachReason[]; readonly reason?: string };
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
}

export interface Alert {
  readonly id: string;
  readonly kind: string;
  readonly kpiId: string;
  readonly indicator: string;
  readonly key: string;
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly severity: string;
  readonly openedAt: string;
  readonly resolvedAt: string | null;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  readonly subject: string;
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
