import { AppError, invalid, notFound } from '../errors.ts';
import type { EventMeta } from '../ports.ts';
import { FieldErrors } from '../shared/validation.ts';
import { displayPrefixOf, generateApiKey } from './api-key-format.ts';
import type { ApiKey, AuthDeps } from './model.ts';
import { isGrantable } from './scopes.ts';
import { recordSecurityEvent } from './sessions.ts';

export interface ApiKeyInput {
  readonly name: string;
  readonly owner?: string | undefined;
  readonly scopes: readonly string[];
  readonly expiresAt?: Date | string | null | undefined;
}

function validate(input: ApiKeyInput, now: Date, actor: string): { name: string; owner: string; scopes: string[]; expiresAt: Date | null } {
  const errors = new FieldErrors();
  const name = input.name.trim();
  errors.check(name.length >= 1 && name.length <= 100, '/name', 'must be 1 to 100 characters');
  errors.check(input.scopes.length > 0, '/scopes', 'must name at least one scope');
  input.scopes.forEach((s, i) => errors.check(isGrantable(s), `/scopes/${i}`, `${s} is not a scope (see GET /api/docs)`));
  const expiresAt = input.expiresAt === undefined || input.expiresAt === null ? null : new Date(input.expiresAt);
  if (expiresAt !== null) errors.check(!Number.isNaN(expiresAt.getTime()) && expiresAt > now, '/expiresAt', 'must be a time in the future');
  if (!errors.empty) throw invalid(errors.list);
  return { name, owner: input.owner?.trim() || actor, scopes: [...new Set(input.scopes)], expiresAt };
}

/**
 * Creates a key and returns it with its one and only plain-text copy: only a hash is stored.
 * `createdBy` is the actor of `meta`, and the owner unless one is given.
 */
export async function createApiKey(deps: AuthDeps, input: ApiKeyInput, meta: EventMeta): Promise<{ apiKey: ApiKey; key: string }> {
  const now = deps.clock.now();
  const fields = validate(input, now, meta.actor);
  const key = generateApiKey(deps.randomBytes);
  const apiKey: ApiKey = {
    ...fields, id: deps.ids.next('apiKey'), prefix: displayPrefixOf(key), revokedAt: null, createdBy: meta.actor,
    createdAt: now, lastUsedAt: null, useCount: 0,
  };
  await deps.store.run(async (tx) => {
    await tx.apiKeys.insert(apiKey, deps.digest(key));
    await recordSecurityEvent(tx, {
      type: 'ApiKeyCreated',
      data: { id: apiKey.id, name: apiKey.name, owner: apiKey.owner, prefix: apiKey.prefix, scopes: apiKey.scopes, expiresAt: apiKey.expiresAt?.toISOString() ?? null },
    }, meta);
  });
  return { apiKey, key };
}

/** Revokes a key for good; revoking a revoked key is a conflict. */
export async function revokeApiKey(deps: AuthDeps, id: string, meta: EventMeta): Promise<ApiKey> {
  const now = deps.clock.now();
  return deps.store.run(async (tx) => {
    const key = await tx.apiKeys.get(id);
    if (key === null) throw notFound('API key', id);
    if (!(await tx.apiKeys.revoke(id, now))) throw new AppError('conflict', `API key ${id} is revoked already`, { id });
    await recordSecurityEvent(tx, { type: 'ApiKeyRevoked', data: { id, name: key.name } }, meta);
    return { ...key, revokedAt: now };
  });
}
