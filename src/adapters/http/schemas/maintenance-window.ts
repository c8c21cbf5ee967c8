import { Type } from 'typebox';
import { MAX_WINDOW_MINUTES } from '../../../core/maintenance/window.ts';
import { DateTime, Nullable, PageQuery } from './common.ts';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kpiIds: Nullable(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 500, description: 'the KPIs it covers; null = any' })),
  owner: Nullable(Type.String({ maxLength: 200, description: "the KPIs' owner (case-insensitive)" })),
  keyPattern: Nullable(Type.String({ maxLength: 200, description: 'glob on the series key: * any characters, ? one' })),
  priority: Nullable(Type.Union([Type.Literal(1), Type.Literal(2)])),
  cron: Nullable(Type.String({ maxLength: 120, description: 'five-field cron of the start (wall clock of timezone); or rrule' })),
  rrule: Nullable(Type.String({ maxLength: 500, description: 'RFC 5545 RRULE of the start, e.g. FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0; or cron' })),
  durationMinutes: Type.Integer({ minimum: 1, maximum: MAX_WINDOW_MINUTES }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone; default UTC' }),
  comment: Type.String({ maxLength: 2000 }),
  active: Type.Boolean(),
};
const optional = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof typeof fields]: ReturnType<typeof Type.Optional<(typeof fields)[K]>> };

export const WindowCreateBody = Type.Object({ ...optional, name: fields.name, durationMinutes: fields.durationMinutes }, { additionalProperties: false });
export const WindowPatchBody = Type.Object(optional, { additionalProperties: false });
export const WindowView = Type.Object({
  id: Type.String(), ...fields, createdBy: Type.String(),
  current: Nullable(Type.Object({ start: DateTime, end: DateTime }, { description: 'the occurrence in force now; null outside' })),
  version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});
export const WindowListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
