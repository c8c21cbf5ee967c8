import { Type } from 'typebox';
import { MAX_SILENCE_DAYS } from '../../../core/silences/silence.ts';
import { Severity } from './alert.ts';
import { DateTime, Nullable, PageQuery } from './common.ts';

const Priority = Type.Union([Type.Literal(1), Type.Literal(2)]);
const SilenceState = Type.Union([Type.Literal('active'), Type.Literal('ended'), Type.Literal('expired')]);

const scope = {
  kpiIds: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500, description: 'the KPIs it silences; absent/null = any' }))),
  owner: Type.Optional(Nullable(Type.String({ maxLength: 200, description: "the KPIs' owner (case-insensitive)" }))),
  keyPattern: Type.Optional(Nullable(Type.String({ maxLength: 200, description: 'glob on the series key: * any characters, ? one' }))),
  priority: Type.Optional(Nullable(Priority)),
  severity: Type.Optional(Nullable(Severity)),
};
const times = {
  startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'default now' })),
  endsAt: Type.Optional(Type.String({ format: 'date-time' })),
  durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SILENCE_DAYS * 1440, description: 'instead of endsAt, from startsAt' })),
};

export const SilenceCreateBody = Type.Object({ ...scope, ...times, comment: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
export const SilencePatchBody = Type.Object({ ...scope, ...times, comment: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false });

export const SilenceView = Type.Object({
  id: Type.String(), kpiIds: Nullable(Type.Array(Type.String())), owner: Nullable(Type.String()), keyPattern: Nullable(Type.String()),
  priority: Nullable(Priority), severity: Nullable(Severity), startsAt: DateTime, endsAt: DateTime, comment: Type.String(),
  createdBy: Type.String({ description: 'who made it' }), state: SilenceState,
  inForce: Type.Boolean({ description: 'active, started and not over: what it matches is silenced now' }),
  version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});

export const SilenceListQuery = Type.Object({
  state: Type.Optional(SilenceState), kpiId: Type.Optional(Type.String({ maxLength: 64, description: 'silences that may hold this KPI' })), ...PageQuery,
}, { additionalProperties: false });

export const EndSilenceBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });
