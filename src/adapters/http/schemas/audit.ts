import { Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';

const Change = Type.Object({ from: Type.Unknown(), to: Type.Unknown() });

export const AuditEntryView = Type.Object({
  position: Type.Integer({ description: 'The event position; also the entry id' }),
  recordedAt: DateTime,
  actor: Type.String({ description: 'User id, API key id, system or anonymous' }),
  actorKind: Type.String({ description: 'user, apikey, system or anonymous' }),
  clientIp: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  eventType: Type.String(),
  summary: Type.String({ description: 'What happened, as a sentence' }),
  entityType: Type.String(),
  entityId: Type.String(),
  entityVersion: Type.Integer(),
  changes: Nullable(Type.Record(Type.String(), Change, { description: 'Field-level diff: before (from) and after (to)' })),
  correlationId: Nullable(Type.String()),
  causationId: Nullable(Type.String()),
  traceId: Nullable(Type.String()),
});

export const AuditPage = Type.Object({ items: Type.Array(AuditEntryView), nextCursor: Nullable(Type.String()) });

const Token = (description: string) => Type.String({ minLength: 1, maxLength: 200, description });
const paging = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

export const EntityTypeParam = Type.String({ pattern: '^[a-z][a-z0-9]{0,31}$', description: 'kpi, contact, datasource, alert, user, apikey ...' });

export const AuditFilterFields = {
  entityType: Type.Optional(EntityTypeParam),
  entityId: Type.Optional(Token('The entity id, e.g. kpi_01J...')),
  eventTypes: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' }), { maxItems: 50, description: 'Any of these event types, e.g. ["KpiUpdated"]' })),
  actor: Type.Optional(Token('User or API key id')),
  correlationId: Type.Optional(Token('Everything one request or execution caused')),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words that must all occur (as prefixes) in the sentence, entity id, actor or event type' })),
  field: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$', description: 'Only changes of this field, e.g. maxThreshold' })),
};

export const AuditSearchBody = Type.Object({ ...AuditFilterFields, ...paging }, { additionalProperties: false });
export const AuditExportBody = Type.Object(
  { ...AuditFilterFields, format: Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { default: 'jsonl' }) },
  { additionalProperties: false },
);
export const PagingQuery = Type.Object(paging, { additionalProperties: false });
export const TimeRangeQuery = Type.Object({ from: AuditFilterFields.from, to: AuditFilterFields.to }, { additionalProperties: false });

const Counts = Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }));
export const AuditStatisticsView = Type.Object({
  total: Type.Integer(),
  byEventType: Counts,
  byEntityType: Counts,
  byActor: Counts,
  byDay: Counts,
});
