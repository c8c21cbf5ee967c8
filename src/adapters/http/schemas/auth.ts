import { Type } from 'typebox';
import { DateTime, Nullable } from './common.ts';

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
}, { additionalProperties: false });

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const TokensView = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  accessTokenExpiresAt: DateTime,
  refreshToken: Type.String({ description: 'Works once: exchanging it again revokes the whole session' }),
  refreshTokenExpiresAt: DateTime,
  user: Type.Object({ id: Type.String(), username: Type.String(), role: Type.String() }),
});

export const PrincipalView = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('api_key')]),
  id: Type.String(),
  name: Type.String(),
  role: Type.Optional(Type.String()),
  owner: Type.Optional(Type.String()),
  scopes: Type.Array(Type.String()),
});

export const ApiKeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  owner: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it' }),
  scopes: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  expiresAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
  createdBy: Type.String(),
  createdAt: DateTime,
  lastUsedAt: Nullable(DateTime),
  useCount: Type.Integer(),
});

export const ApiKeyCreated = Type.Object({
  ...ApiKeyView.properties,
  key: Type.String({ description: 'The key itself, shown this once: only its hash is stored' }),
});

export const ApiKeyCreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  owner: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  scopes: Type.Array(Type.String({ maxLength: 50 }), { minItems: 1, maxItems: 20 }),
  expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
}, { additionalProperties: false });

export const ApiKeyStatisticsView = Type.Object({
  total: Type.Integer(),
  active: Type.Integer(),
  revoked: Type.Integer(),
  expired: Type.Integer(),
  usedLast7Days: Type.Integer(),
  neverUsed: Type.Integer(),
  byOwner: Type.Record(Type.String(), Type.Integer()),
});

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Type.String({ description: 'admin, editor or viewer' }),
  active: Type.Boolean(),
  lockedUntil: Nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const UserCreateBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  role: Type.String({ maxLength: 20, description: 'admin, editor or viewer' }),
  password: Type.String({ minLength: 1, maxLength: 1024, description: 'At least 12 characters' }),
}, { additionalProperties: false });

export const UserPatchBody = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });
