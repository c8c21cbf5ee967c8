import { Reason } from './execution.ts';
import { Step } from './escalation-chain.ts';
import type { AlertEscalation } from '../../../core/escalation/due.ts';
import { Type } from 'typebox';
import { SEVERITIES } from '../../../core/alerts/severity.ts';
import { ALERT_KINDS } from '../../../core/alerts/alert.ts';
import { CHANNEL_KINDS } from '../../../core/channels/channel.ts';
import { DateTime, literals, Nullable, NullableNumber, PageQuery } from './common.ts';


export const Severity = literals(SEVERITIES);
export const AlertStatus = literals(['open', 'acknowledged', 'resolved'] as const);
export const AlertKind = literals(ALERT_KINDS);
export const Channel = literals([...CHANNEL_KINDS, 'log'] as const);
export const NotificationStatus = literals(['pending', 'sent', 'dead'] as const);

export const NotificationView = Type.Object({
  id: Type.String(), alertId: Type.String(), kpiId: Type.String(),
  purpose: literals(['opened', 'reminder', 'escalation', 'acknowledged', 'resolved'] as const), channel: Channel,
  recipient: Type.String({ description: 'email or gateway address, the id of a channel, or the name of a configured webhook' }),
  contactId: Nullable(Type.String()), subject: Type.String(), body: Type.String(), status: NotificationStatus, attempts: Type.Integer(),
  nextAttemptAt: Nullable(DateTime), lastError: Nullable(Type.String()), createdAt: DateTime, sentAt: Nullable(DateTime),
});

const alertFields = {
  id: Type.String(), kind: AlertKind, kpiId: Type.String(), indicator: Type.String(), key: Nullable(Type.String({ description: 'the series; null for a single-value KPI' })), status: AlertStatus,
  severity: Severity, priority: Type.Integer(), executionId: Type.String(), openedAt: DateTime,
  value: Nullable(Type.Number()), baseline: Nullable(Type.Number()), deviationPercent: Nullable(Type.Number()),
  thresholds: Type.Object({
    sensitivity: Nullable(Type.String({ description: 'low, medium or high; null = no adaptive band' })),
    deviationPercent: Nullable(Type.Number()), min: Nullable(Type.Number()), max: Nullable(Type.Number()),
  }),
  band: Nullable(Type.Object({ low: Nullable(Type.Number()), high: Nullable(Type.Number()) }, { description: 'What the rules accepted when it opened; null = unbounded' })),
  reasons: Type.Array(Reason),
  error: Nullable(Type.String()), subject: Type.String(), body: Type.String(), openingNotified: Type.Boolean(),
  notifyAt: Nullable(DateTime), lastNotifiedAt: Nullable(DateTime), escalatedAt: Nullable(DateTime),
  acknowledgedAt: Nullable(DateTime), acknowledgedBy: Nullable(Type.String()), acknowledgeNote: Nullable(Type.String()),
  resolvedAt: Nullable(DateTime), resolvedBy: Nullable(Type.String()), resolveNote: Nullable(Type.String()),
  resolution: Nullable(literals(['auto', 'manual', 'ran_again'] as const)),
  silenceId: Nullable(Type.String({ description: 'the silence holding it: recorded, nobody notified until it ends' })),
  silencedUntil: Nullable(DateTime),
  // Unsafe: the same shape, typed as the core's (readonly arrays) so an alert is answered as it is.
  escalation: Type.Unsafe<AlertEscalation | null>(Nullable(Type.Object({
    chainId: Type.String(), name: Type.String(), steps: Type.Array(Step),
    notified: Type.Integer({ description: 'how many of the steps were notified (the first ones)' }),
  }, { description: 'the escalation chain fixed on it when it opened; null = none' }))),
  version: Type.Integer(),
};

export const AlertView = Type.Object(alertFields);
export const AlertDetailView = Type.Object({ ...alertFields, notifications: Type.Array(NotificationView) });

const range = {
  kpiId: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'opened at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'opened before' })),
};

export const AlertListQuery = Type.Object({
  status: Type.Optional(AlertStatus), severity: Type.Optional(Severity), kind: Type.Optional(AlertKind), ...range,
  silenceId: Type.Optional(Type.String({ maxLength: 64, description: 'only the alerts this silence holds' })),
  silenced: Type.Optional(Type.Boolean({ description: 'true: only silenced alerts; false: only the others' })), ...PageQuery,
}, { additionalProperties: false });

export const StatisticsQuery = Type.Object(range, { additionalProperties: false });

const Count = Type.Record(Type.String(), Type.Integer());
export const StatisticsView = Type.Object({
  total: Type.Integer(), byStatus: Count, bySeverity: Count,
  byKpi: Type.Array(Type.Object({ kpiId: Type.String(), indicator: Type.String(), count: Type.Integer() })),
  byDay: Type.Array(Type.Object({ day: Type.String(), count: Type.Integer() })),
  meanSecondsToAcknowledge: Nullable(Type.Number()), meanSecondsToResolve: Nullable(Type.Number()),
});

export const NoteBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
export const BulkResolveBody = Type.Object({
  ids: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 500 }),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });
export const BulkResolveView = Type.Object({
  resolved: Type.Array(Type.String()), skipped: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })),
});

export const NotificationListQuery = Type.Object({
  status: Type.Optional(NotificationStatus), alertId: Type.Optional(Type.String({ maxLength: 64 })), channel: Type.Optional(Channel), ...PageQuery,
}, { additionalProperties: false });

export const PreviewBody = Type.Object({
  value: Type.Optional(NullableNumber(Type.Number({ description: "absent or null: the KPI's last execution" }))),
  baseline: Type.Optional(NullableNumber(Type.Number())),
  deviationPercent: Type.Optional(NullableNumber(Type.Number({ description: 'default: computed from value and baseline' }))),
  key: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
export const PreviewView = Type.Object({
  subject: Type.String(), body: Type.String(), severity: Severity, sms: Type.String(),
  execution: Nullable(Type.Object({ runId: Type.String(), slot: DateTime, key: Nullable(Type.String()) }, { description: 'the run previewed; null when the value was given' })),
});
