import { Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';
import { kpiFieldSchemas, KpiCreateBody } from './kpi.ts';

const Days = Type.Integer({ minimum: 1, maximum: 90, description: 'How many days back to replay, 1 to 90' });

/** The fields a backtest of a saved KPI may try: its rules and alert policy, not its query or schedule. */
const RULE_FIELDS = [
  'sensitivity', 'deviationPercent', 'direction', 'minThreshold', 'maxThreshold', 'thresholdCombine', 'baselineWeeks', 'baselineAggregate',
  'cooldownMinutes', 'pendingExecutions', 'resolveAfterExecutions', 'reminderMinutes', 'priority', 'contactIds',
] as const;

export const BacktestBody = Type.Object({
  days: Days,
  ...Object.fromEntries(RULE_FIELDS.map((f) => [f, Type.Optional(kpiFieldSchemas[f])])) as { [K in (typeof RULE_FIELDS)[number]]: ReturnType<typeof Type.Optional<(typeof kpiFieldSchemas)[K]>> },
}, { additionalProperties: false });

/** POST /kpis/test's body: a KPI, and `days` to add a backtest of it. */
export const KpiTestBody = Type.Object({
  ...KpiCreateBody.properties,
  days: Type.Optional(Days),
}, { additionalProperties: false });

export const JobParams = Type.Object({ id: Type.String({ maxLength: 64 }), jobId: Type.String({ maxLength: 64 }) });

const NullableNumberOut = Nullable(Type.Number());

const AlertOut = Type.Object({
  id: Type.String(), series: Nullable(Type.String()), openedAt: DateTime, resolvedAt: Nullable(DateTime), notifiedAt: Nullable(DateTime),
  peakDeviationPercent: NullableNumberOut, why: Type.String(),
});

const PointOut = Type.Object({
  at: DateTime, series: Nullable(Type.String()), value: NullableNumberOut, baseline: NullableNumberOut, bandLow: NullableNumberOut, bandHigh: NullableNumberOut,
  outcome: Type.String({ description: 'ok, breach, no_judgement, or failed (the window had no value: see origin and reason)' }),
  reason: Nullable(Type.String()), origin: Type.String({ description: 'history, source, none (no data) or not_run (a limit was reached)' }), alertId: Nullable(Type.String()),
});

const RuleOut = {
  alerts: Type.Array(AlertOut, { description: 'The alerts the rule would have opened (and resolved)' }),
  counts: Type.Object({
    alerts: Type.Integer(), messages: Type.Integer(), alertsPerWeek: Type.Number(), messagesPerWeek: Type.Number(),
    byRecipient: Type.Array(Type.Object({ contactId: Nullable(Type.String()), address: Type.String(), channel: Type.String(), messages: Type.Integer(), messagesPerWeek: Type.Number() })),
  }),
  ranges: Type.Array(Type.Object({ kind: Type.String(), from: DateTime, to: DateTime, windows: Type.Integer() }), {
    description: 'Consecutive windows of one kind: history, source, none (no data), not_run, failed, insufficient_history',
  }),
  points: Type.Array(PointOut),
};

export const BacktestJobView = Type.Object({
  id: Type.String(),
  kpiId: Nullable(Type.String()),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('cancelled')]),
  progress: Type.Object({ done: Type.Integer(), total: Type.Integer() }, { description: 'Windows replayed of all (both rules)' }),
  startedAt: DateTime,
  finishedAt: Nullable(DateTime),
  error: Nullable(Type.String()),
  location: Type.String({ description: 'Where to GET (poll) or DELETE (cancel) the job' }),
  days: Type.Optional(Type.Integer()),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  sourceQueries: Type.Optional(Type.Integer()),
  limitReached: Type.Optional(Nullable(Type.String())),
  windows: Type.Optional(Type.Object({
    total: Type.Integer(), history: Type.Integer(), source: Type.Integer(), none: Type.Integer(), notRun: Type.Integer(), failed: Type.Integer(),
  })),
  ...Object.fromEntries(Object.entries(RuleOut).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof typeof RuleOut]: ReturnType<typeof Type.Optional<(typeof RuleOut)[K]>> },
  current: Type.Optional(Nullable(Type.Object(RuleOut, { description: 'The saved rule over the same windows' }))),
});
