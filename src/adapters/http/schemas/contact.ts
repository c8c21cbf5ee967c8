import { Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  email: Nullable(Type.String({ maxLength: 254 })),
  phone: Nullable(Type.String({ maxLength: 20, description: 'E.164, e.g. +4915112345678' })),
  active: Type.Boolean(),
};

export const ContactCreateBody = Type.Object(
  { name: fields.name, email: Type.Optional(fields.email), phone: Type.Optional(fields.phone), active: Type.Optional(fields.active) },
  { additionalProperties: false },
);
export const ContactPatchBody = Type.Object(
  { name: Type.Optional(fields.name), email: Type.Optional(fields.email), phone: Type.Optional(fields.phone), active: Type.Optional(fields.active) },
  { additionalProperties: false },
);
export const ContactView = Type.Object({ id: Type.String(), ...fields, version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime });
export const ContactListQuery = Type.Object({
  active: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
}, { additionalProperties: false });
