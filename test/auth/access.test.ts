import { describe, expect, it } from 'vitest';
import { decideAccess, principalOfClaims, principalOfKey } from '../../src/core/auth/access.ts';
import type { ApiKey, Principal } from '../../src/core/auth/model.ts';
import { ROLE_SCOPES } from '../../src/core/auth/roles.ts';
import { grants, isGrantable, SCOPES } from '../../src/core/auth/scopes.ts';

const caller = (scopes: string[]): Principal => ({ id: 'key_1', kind: 'api_key', name: 'k', scopes });
const key = (o: Partial<ApiKey> = {}): ApiKey => ({
  id: 'key_1', name: 'ci', owner: 'ops', prefix: 'mgk_abcdef', scopes: ['kpi:read'], expiresAt: null, revokedAt: null,
  createdBy: 'usr_1', createdAt: new Date('2026-01-01'), lastUsedAt: null, useCount: 0, ...o,
});
const now = new Date('2026-03-02T09:00:00Z');

describe('scopes', () => {
  it('each scope admits exactly what it names; area:* admits its area; admin:* everything', () => {
    for (const needed of SCOPES) {
      for (const held of SCOPES) expect(grants([held], needed), `${held} for ${needed}`).toBe(held === needed || held === 'admin:*');
      expect(grants([`${needed.split(':')[0]}:*`], needed)).toBe(true);
    }
    expect(grants(['kpi:*'], 'alerts:read')).toBe(false);
  });

  it('grantable scopes are the named ones and area wildcards of existing areas', () => {
    expect(isGrantable('kpi:*')).toBe(true);
    expect(isGrantable('admin:*')).toBe(true);
    expect(isGrantable('users:*')).toBe(false);
    expect(isGrantable('kpi:delete')).toBe(false);
    expect(isGrantable('*')).toBe(false);
  });
});

describe('access decisions', () => {
  it('public routes admit everyone; others need credentials; scoped routes need the scope', () => {
    expect(decideAccess('public', null)).toBe('allow');
    expect(decideAccess('authenticated', null)).toBe('unauthenticated');
    expect(decideAccess('authenticated', caller([]))).toBe('allow');
    expect(decideAccess('kpi:read', null)).toBe('unauthenticated');
    expect(decideAccess('kpi:read', caller(['kpi:write']))).toBe('forbidden');
    expect(decideAccess('kpi:read', caller(['kpi:read']))).toBe('allow');
  });

  it('roles: viewers read but never write or read the audit trail; editors do all but administration', () => {
    const viewer = principalOfClaims({ userId: 'usr_v', username: 'v', role: 'viewer', sessionId: 'ses_1' });
    const editor = principalOfClaims({ userId: 'usr_e', username: 'e', role: 'editor', sessionId: 'ses_2' });
    expect(SCOPES.filter((s) => decideAccess(s, viewer) === 'allow')).toEqual(['kpi:read', 'alerts:read', 'contacts:read', 'datasources:read', 'channels:read', 'routing:read', 'config:read']);
    expect(SCOPES.filter((s) => decideAccess(s, editor) !== 'allow')).toEqual(['admin:*']);
    expect(ROLE_SCOPES.admin).toEqual(['admin:*']);
  });

  it('a revoked key and a key past its expiry are refused, a key before its expiry is not', () => {
    expect(principalOfKey(key({ revokedAt: now }), now)).toBe('revoked');
    expect(principalOfKey(key({ expiresAt: now }), now)).toBe('expired');
    expect(principalOfKey(key({ expiresAt: new Date(now.getTime() + 1) }), now)).toMatchObject({ id: 'key_1', kind: 'api_key', scopes: ['kpi:read'] });
  });
});
