import { Type } from 'typebox';
import { ALERT_POLICY_LIMITS, type AlertPolicyField } from '../../../core/kpis/alert-policy.ts';
import { LABEL_NAME_PATTERN, LABEL_VALUE_MAX, LABELS_MAX } from '../../../core/kpis/labels.ts';
import { allOptional, DateTime, Nullable, NullableNumber } from './common.ts';

const Id = Type.String({ maxLength: 64 });

/** `{name: value}`: names as KPI labels are named; used by KPIs and by routes' label matchers. */
export const Labels = Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN, maxLength: 63 }), Type.String({ minLength: 1, maxLength: LABEL_VALUE_MAX }), {
  maxProperties: LABELS_MAX, additionalProperties: false, description: `At most ${LABELS_MAX} labels; names ${LABEL_NAME_PATTERN}, values 1 to ${LABEL_VALUE_MAX} characters`,
});

/** A policy override: null (the global setting) or a whole number within its bounds; 0 minutes = never. */
const policyOverride = (f: AlertPolicyField, description: string) =>
  NullableNumber(Type.Integer({ minimum: ALERT_POLICY_LIMITS[f].min, maximum: ALERT_POLICY_LIMITS[f].max, description }));

/** Fields an operator can set; every one optional here, required ones are checked by the core. */
export const kpiFieldSchemas = {
  indicator: Type.String({ minLength: 1, maxLength: 200, description: 'Unique name of the KPI' }),
  owner: Type.String({ minLength: 1, maxLength: 200 }),
  priority: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1 = SMS and email, 2 = email only' }),
  frequencyMinutes: NullableNumber(Type.Integer({ minimum: 1, maximum: 10080, description: 'Run every N minutes (slots aligned to the clock; each run starts a fixed few seconds after its slot, see nextRunAt)' })),
  cron: Nullable(Type.String({ minLength: 1, maxLength: 120, description: 'Cron expression, instead of frequencyMinutes' })),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of the cron expression; default UTC' }),
  lastMinutes: Type.Integer({ minimum: 1, maximum: 525600, description: 'Data window handed to the query as :forLastMinutes; default the schedule period' }),
  sensitivity: Nullable(Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high')], {
    description: 'The adaptive band: how unusual a value must be to breach (low = only clear anomalies); null = no band; default medium',
  })),
  deviationPercent: NullableNumber(Type.Number({ minimum: 0, description: 'Accepted deviation from the baseline, in %; null (the default) = no percentage rule' })),
  direction: Type.Union([Type.Literal('drop'), Type.Literal('spike'), Type.Literal('both')]),
  minThreshold: NullableNumber(Type.Number({ description: 'A value below this breaches' })),
  maxThreshold: NullableNumber(Type.Number({ description: 'A value above this breaches' })),
  thresholdCombine: Type.Union([Type.Literal('any'), Type.Literal('all')], { description: 'any: one rule breaching is a breach; all: every configured rule must' }),
  baselineWeeks: Type.Integer({ minimum: 1, maximum: 52, description: 'Past weeks the weekly season looks at; default 4' }),
  baselineAggregate: Type.Union([Type.Literal('mean'), Type.Literal('median')], { description: 'How the seasonal references combine; default median' }),
  noDataPolicy: Type.Union([Type.Literal('ok'), Type.Literal('breach'), Type.Literal('no_judgement')], {
    description: 'A run whose query returns no rows: ok, breach (a "no data" alert) or no_judgement (the default)',
  }),
  dataSourceId: Id,
  query: Type.String({ minLength: 1, maxLength: 100000, description: 'SQL or a stored-procedure call; see the query contract' }),
  subjectTemplate: Type.String({ maxLength: 1000 }),
  descriptionTemplate: Type.String({ maxLength: 20000 }),
  contactIds: Type.Array(Id, { maxItems: 200 }),
  cooldownMinutes: Type.Integer({ minimum: 0, maximum: 100000, description: 'No repeated notification within this; default 30' }),
  timeoutSeconds: Type.Integer({ minimum: 1, maximum: 3600, description: 'Query timeout; default 30' }),
  active: Type.Boolean(),
  labels: Type.Unsafe<Readonly<Record<string, string>>>(Labels),
  // The KPI's own alert policy; null = the global setting named in each description.
  pendingExecutions: policyOverride('pendingExecutions', 'Breaching executions in a row that open an alert; null = ALERT_PENDING_EXECUTIONS, unset there = automatic (sustained evidence)'),
  resolveAfterExecutions: policyOverride('resolveAfterExecutions', 'Normal executions in a row that resolve an alert; null = ALERT_RESOLVE_AFTER_EXECUTIONS, unset there = automatic (sustained normality)'),
  failingAfterFailures: policyOverride('failingAfterFailures', 'Failed executions in a row that open "KPI failing"; null = ALERT_FAILING_AFTER_FAILURES'),
  reminderMinutes: policyOverride('reminderMinutes', 'Remind every N minutes while unacknowledged, 0 = never; null = ALERT_REMINDER_MINUTES'),
  escalateAfterMinutes: policyOverride('escalateAfterMinutes', 'Escalate to the owner after N minutes unacknowledged, 0 = never; null = ALERT_ESCALATE_AFTER_MINUTES'),
};

export const KpiCreateBody = Type.Object(
  {
    ...allOptional(kpiFieldSchemas),
    indicator: kpiFieldSchemas.indicator,
    owner: kpiFieldSchemas.owner,
    dataSourceId: kpiFieldSchemas.dataSourceId,
    query: kpiFieldSchemas.query,
  },
  { additionalProperties: false },
);

export const KpiPatchBody = Type.Object(allOptional(kpiFieldSchemas), { additionalProperties: false });

export const KpiView = Type.Object({
  id: Id,
  ...kpiFieldSchemas,
  version: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
  // The run fields of the read model (execution issue); absent before the KPI is first scheduled or run.
  lastRunAt: Type.Optional(Nullable(DateTime)),
  nextRunAt: Type.Optional(Nullable(Type.Unsafe<Date | string>({
    type: 'string', format: 'date-time',
    description: "When the next run starts: its slot plus this KPI's fixed offset (under half the period, at most 60 s), so that KPIs due at one slot do not all run in the same second. The run's window still ends at the slot.",
  }))),
  lastValue: Type.Optional(Nullable(Type.Number())),
  lastStatus: Type.Optional(Nullable(Type.String({ description: 'success, failed, timeout or stuck' }))),
});

export const KpiListQuery = Type.Object({
  active: Type.Optional(Type.Boolean()),
  owner: Type.Optional(Type.String({ maxLength: 200 })),
  priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text search in indicator, owner and subject' })),
  dataSourceId: Type.Optional(Id),
  contactId: Type.Optional(Id),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
}, { additionalProperties: false });
