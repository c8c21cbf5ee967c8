import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery } from './common.ts';

/** One rule a value broke; the same names in executions, alerts, events and webhooks. */
export const Reason = Type.Object({
  rule: Type.String({ description: 'band, deviation, min_threshold or max_threshold' }),
  direction: Type.Optional(Type.String({ description: 'band and deviation: drop or spike' })),
  limit: Type.Number({ description: 'band: the edge crossed; deviation: the accepted %; thresholds: the threshold' }),
  value: Type.Number({ description: 'deviation: the signed deviation in %; otherwise the value' }),
});

const Band = Nullable(Type.Object({ low: Nullable(Type.Number()), high: Nullable(Type.Number()) }, { description: 'What the rules accepted; null = unbounded' }));

const Basis = Nullable(Type.Object({
  source: Type.String({ description: 'history or query (a historical column)' }),
  seasonality: Type.String({ description: 'weekly, daily or none (the level of the latest runs only)' }),
  seasonalPoints: Type.Array(DateTime, { description: 'Window ends of the past runs the seasonal value came from' }),
  levelPoints: Type.Integer({ description: 'Recent runs that set the level' }),
  modelPoints: Type.Integer({ description: 'Past runs whose errors set the width of the band' }),
  sigma: Nullable(Type.Number({ description: 'One robust standard deviation of the series\' errors' })),
}));

const Outcome = Type.Object({
  kind: Type.String({ description: 'ok, breach or no_judgement' }),
  reasons: Type.Optional(Type.Array(Reason)),
  reason: Type.Optional(Type.String({ description: 'no_judgement only: insufficient_history, zero_baseline or no_rows' })),
});

const Series = Type.Object({
  key: Nullable(Type.String()),
  value: Nullable(Type.Number()),
  baseline: Nullable(Type.Number()),
  baselineSource: Nullable(Type.String()),
  baselineWindows: Type.Integer(),
  deviationPercent: Nullable(Type.Number()),
  outcome: Outcome,
  band: Band,
  basis: Basis,
  anomalous: Type.Boolean({ description: 'Kept out of future baselines: a breach, or inside an incident' }),
  incident: Nullable(Type.Union([Type.Literal('opened'), Type.Literal('ended')], { description: 'the series\' incident (its alert) opened or ended with this run' })),
});

export const ExecuteQuery = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Evaluate and answer, record nothing' })),
}, { additionalProperties: false });

export const EvaluationView = Type.Object({
  runId: Type.String(),
  kpiId: Type.String(),
  dryRun: Type.Boolean(),
  trigger: Type.String(),
  windowStart: DateTime,
  windowEnd: DateTime,
  startedAt: DateTime,
  finishedAt: DateTime,
  durationMs: Type.Integer(),
  status: Type.String({ description: 'success, failed, timeout or stuck' }),
  error: Nullable(Type.String()),
  rowsReturned: Type.Integer(),
  series: Type.Array(Series),
  backfilled: Type.Integer({ description: 'Past windows run to build the baseline' }),
});

export const ExecutionRecordView = Type.Object({
  id: Type.String(), runId: Type.String(), kpiId: Type.String(), key: Nullable(Type.String()), trigger: Type.String(),
  slot: DateTime, windowStart: DateTime, windowEnd: DateTime, startedAt: DateTime, finishedAt: DateTime, durationMs: Type.Integer(),
  status: Type.String(), value: Nullable(Type.Number()), baseline: Nullable(Type.Number()), baselineSource: Nullable(Type.String()),
  baselineWindows: Type.Integer(), deviationPercent: Nullable(Type.Number()), outcome: Nullable(Type.String()),
  reasons: Nullable(Type.Array(Reason)), noJudgementReason: Nullable(Type.String()), band: Band, basis: Basis, anomalous: Type.Boolean(),
  error: Nullable(Type.String()),
  rowsReturned: Type.Integer(), nodeId: Type.String(), traceId: Nullable(Type.String()),
});

export const ExecutionListQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Runs started at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Runs started before' })),
  key: Type.Optional(Type.String({ maxLength: 500, description: 'One series; "" is the series of a keyless KPI' })),
  trigger: Type.Optional(Type.Union([Type.Literal('schedule'), Type.Literal('manual'), Type.Literal('backfill')])),
  ...PageQuery,
}, { additionalProperties: false });

export const StatisticsQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Default 24 hours ago' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })),
}, { additionalProperties: false });

export const StatisticsView = Type.Object({
  from: DateTime,
  to: DateTime,
  items: Type.Array(Type.Object({
    kpiId: Type.String(), runs: Type.Integer(), successRate: Type.Number(), p50DurationMs: Type.Number(), p95DurationMs: Type.Number(),
    lastRunAt: DateTime, lastError: Nullable(Type.String()),
  })),
});

export const SourceTestView = Type.Object({
  ok: Type.Boolean(),
  latencyMs: Type.Integer(),
  version: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'Privileges that allowPrivilegedUser accepts on this source' })),
});
