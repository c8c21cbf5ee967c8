import { Type } from 'typebox';
import { allOptional, DateTime, Nullable, NullableNumber } from './common.ts';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Union([Type.Literal('postgres'), Type.Literal('mysql'), Type.Literal('sqlite')]),
  host: Nullable(Type.String({ maxLength: 255 })),
  port: NullableNumber(Type.Integer({ minimum: 1, maximum: 65535 })),
  database: Nullable(Type.String({ maxLength: 255 })),
  user: Nullable(Type.String({ maxLength: 255 })),
  passwordEnv: Nullable(Type.String({ maxLength: 128, description: 'Read the password from this environment variable instead of storing it' })),
  ssl: Type.Boolean(),
  filePath: Nullable(Type.String({ maxLength: 4096, description: 'SQLite database file (opened read-only)' })),
  statementTimeoutMs: Type.Integer({ minimum: 100, maximum: 3600000 }),
  maxConnections: Type.Integer({ minimum: 1, maximum: 100 }),
  allowPrivilegedUser: Type.Boolean({ description: 'Run KPI queries although source inspection refuses the user (administrators only; shown as a warning)' }),
};

const password = Nullable(Type.String({ maxLength: 1024, description: 'Write-only; stored encrypted, never returned' }));

const optional = allOptional(fields);

export const DataSourceCreateBody = Type.Object(
  { ...optional, name: fields.name, kind: fields.kind, password: Type.Optional(password) },
  { additionalProperties: false },
);
export const DataSourcePatchBody = Type.Object({ ...optional, password: Type.Optional(password) }, { additionalProperties: false });
export const DataSourceView = Type.Object({
  id: Type.String(),
  ...fields,
  hasPassword: Type.Boolean(),
  version: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export const DataSourceListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
}, { additionalProperties: false });
