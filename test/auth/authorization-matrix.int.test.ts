import type { LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAUTHENTICATED } from '../../src/adapters/http/access-control.ts';
import { buildApp } from '../../src/adapters/http/app.ts';
import { createAccessTokens } from '../../src/adapters/crypto/access-tokens.ts';
import { decideAccess, principalOfClaims } from '../../src/core/auth/access.ts';
import { needsNoCredentials, type RouteAccess } from '../../src/core/auth/scopes.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { bearer, givenKey, givenUser, signIn } from '../helpers/auth.ts';
import { testClock } from '../helpers/clock.ts';

/**
 * Every route of the route table (so also routes added later) × every kind of credential. A route is
 * "admitted" when access control let the request through, whatever the handler then answered
 * (400 for an empty body, 404 for a made-up id ...); "refused" is access control's 401 or 403.
 */
type Expect = 'admitted' | 401 | 403;
interface Credential { readonly name: string; headers(access: RouteAccess): Promise<Record<string, string>>; expect(access: RouteAccess): Expect }

const jwtSecret = randomBytes(32);
const clock = testClock();
let t: TestApp;
const keyWith = new Map<string, string>();

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** Public and action-link routes read no credentials: access control admits every request (an action link's handler checks its token). */
const admittedUnlessPublic = (status: 401 | 403) => (access: RouteAccess): Expect => (needsNoCredentials(access) ? 'admitted' : status);

/** A scope the route does not accept: from another area (admin routes: any ordinary scope). */
const unrelatedScope = (access: RouteAccess): string | null =>
  needsNoCredentials(access) || access === 'authenticated' ? null : access.startsWith('kpi:') ? 'contacts:read' : 'kpi:read';

async function key(scopes: string[], extra: { expiresAt?: Date; revoke?: boolean } = {}): Promise<string> {
  const id = `${scopes.join(',')}|${extra.expiresAt ? 'expired' : ''}|${extra.revoke ? 'revoked' : ''}`;
  if (!keyWith.has(id)) {
    const k = await givenKey(t, { scopes, ...(extra.expiresAt ? { expiresAt: extra.expiresAt } : {}) });
    if (extra.revoke) await t.inject({ method: 'DELETE', url: `/api/v1/apikey/${k.id}` });
    keyWith.set(id, k.key);
  }
  return keyWith.get(id)!;
}

let viewerJwt = '';
let adminJwt = '';
let expiredJwt = '';

const credentials: Credential[] = [
  { name: 'no credentials', headers: async () => ({}), expect: admittedUnlessPublic(401) },
  { name: 'malformed key', headers: async () => ({ 'x-api-key': 'let-me-in' }), expect: admittedUnlessPublic(401) },
  { name: 'unknown key', headers: async () => ({ 'x-api-key': `mgk_${'Q'.repeat(32)}000000` }), expect: admittedUnlessPublic(401) },
  { name: 'expired key', headers: async () => ({ 'x-api-key': await key(['admin:*'], { expiresAt: new Date(clock.now().getTime() + 1_000) }) }), expect: admittedUnlessPublic(401) },
  { name: 'revoked key', headers: async () => ({ 'x-api-key': await key(['admin:*'], { revoke: true }) }), expect: admittedUnlessPublic(401) },
  {
    name: 'key without the scope',
    headers: async (a) => ({ 'x-api-key': await key([unrelatedScope(a) ?? 'audit:read']) }),
    expect: (a) => (unrelatedScope(a) === null ? 'admitted' : 403),
  },
  { name: 'key with the scope', headers: async (a) => ({ 'x-api-key': await key([needsNoCredentials(a) || a === 'authenticated' ? 'kpi:read' : a]) }), expect: () => 'admitted' },
  {
    name: 'area:* key',
    headers: async (a) => ({ 'x-api-key': await key([needsNoCredentials(a) || a === 'authenticated' ? 'kpi:*' : `${a.split(':')[0]}:*`]) }),
    expect: () => 'admitted',
  },
  {
    name: 'viewer JWT',
    headers: async () => bearer(viewerJwt),
    expect: (a) => (decideAccess(a, principalOfClaims({ userId: 'u', username: 'v', role: 'viewer', sessionId: 's' })) === 'allow' ? 'admitted' : 403),
  },
  { name: 'admin JWT', headers: async () => bearer(adminJwt), expect: () => 'admitted' },
  { name: 'expired JWT', headers: async () => bearer(expiredJwt), expect: admittedUnlessPublic(401) },
  {
    name: 'tampered JWT (viewer made admin)',
    headers: async () => {
      const [h, p, s] = viewerJwt.split('.');
      return bearer([h, b64({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), role: 'admin' }), s].join('.'));
    },
    expect: admittedUnlessPublic(401),
  },
  {
    name: 'JWT with alg none',
    headers: async () => {
      const [, p] = adminJwt.split('.');
      return bearer(`${b64({ alg: 'none', typ: 'JWT' })}.${p}.`);
    },
    expect: admittedUnlessPublic(401),
  },
];

beforeAll(async () => {
  t = await buildTestApp({ clock, overrides: { auth: { jwtSecret, rateLimitPerMinute: 100_000, failureLimitPerMinute: 100_000 } } });
  const viewer = await givenUser(t, 'viewer');
  const admin = await givenUser(t, 'admin');
  viewerJwt = (await signIn(t, viewer.username, viewer.password)).accessToken;
  adminJwt = (await signIn(t, admin.username, admin.password)).accessToken;
  const past = testClock(new Date(clock.now().getTime() - 16 * 60_000));
  expiredJwt = (await createAccessTokens(jwtSecret, past).issue({ userId: admin.user.id, username: admin.username, role: 'admin', sessionId: 'ses_x' })).token;
  await key(['admin:*'], { expiresAt: new Date(clock.now().getTime() + 1_000) });
  clock.advance(2_000);
});
afterAll(async () => t.close());

const outcome = (r: LightMyRequestResponse): Expect => {
  if (r.statusCode === 403) return 403;
  if (r.statusCode === 401 && r.json().detail === UNAUTHENTICATED) return 401;
  return 'admitted';
};

const STREAMING = new Set(['GET /api/v1/events/live']);

/** `/kpis/:id` → `/kpis/zz_matrix`; wildcards → a file name. */
const concrete = (url: string): string => url.replace(/:[A-Za-z0-9_]+/g, 'zz_matrix').replace(/\*$/, 'index.html');

describe('authorization matrix (from the route table)', () => {
  it('covers the access routes of this issue and every other route', () => {
    const urls = t.app.routeTable.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(expect.arrayContaining(['GET /api/v1/apikey', 'POST /api/v1/auth/login', 'GET /api/v1/kpis/:id', 'GET /health/live']));
    expect(t.app.routeTable.filter((r) => r.access !== 'public').length).toBeGreaterThan(15);
  });

  it('only health, login/refresh, the API document, /metrics and the dashboard\'s files are public', () => {
    const allowed = (method: string, url: string): boolean =>
      url.startsWith('/health/') || url.startsWith('/api/docs') || url === '/metrics' ||
      url === '/api/v1/auth/login' || url === '/api/v1/auth/refresh' || (method === 'GET' && !url.startsWith('/api/'));
    const open = t.app.routeTable.filter((r) => r.access === 'public' && !allowed(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(open).toEqual([]);
  });

  it('only the action links\' pages read their credential from their URL (access action-link)', () => {
    const links = t.app.routeTable.filter((r) => r.access === 'action-link').map((r) => `${r.method} ${r.url}`);
    expect(links.sort()).toEqual(['GET /actions/:token', 'POST /actions/:token']);
  });

  it('every route × every credential gives the expected status, as problem+json when refused', async () => {
    const mismatches: string[] = [];
    for (const route of t.app.routeTable) {
      for (const c of credentials) {
        // A stream answers forever once admitted: its refusals are checked here, its admission by test/live-feed.
        if (STREAMING.has(`${route.method} ${route.url}`) && c.expect(route.access) === 'admitted') continue;
        const r = await t.inject({ method: route.method as 'GET', url: concrete(route.url), headers: await c.headers(route.access), anonymous: true, ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}) });
        const got = outcome(r);
        const want = c.expect(route.access);
        if (got !== want || r.statusCode >= 500) mismatches.push(`${route.method} ${route.url} (${route.access}) with ${c.name}: expected ${want}, got ${r.statusCode}`);
        if (got !== 'admitted') expect(r.headers['content-type']).toContain('application/problem+json');
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);

  it('HEAD twins of GET routes are guarded like them; unknown routes are a plain 404', async () => {
    expect((await t.inject({ method: 'HEAD', url: '/api/v1/kpis', anonymous: true })).statusCode).toBe(401);
    expect((await t.inject({ method: 'HEAD', url: '/health/live', anonymous: true })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/v1/nothing-here', anonymous: true })).statusCode).toBe(404);
  });

  it('the API document declares both credentials, and no credentials for public routes', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/docs/json', anonymous: true })).json();
    expect(doc.components.securitySchemes).toMatchObject({ apiKey: { in: 'header', name: 'X-API-Key' }, bearer: { scheme: 'bearer' } });
    expect(doc.paths['/api/v1/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/kpis'].get.security).toBeUndefined();
  });

  it('a route added without a declared access makes the app refuse to start', async () => {
    const app = await buildApp(t.deps);
    try {
      expect(() => app.get('/api/v1/forgotten', async () => 'open')).toThrow(/declares no access/);
    } finally {
      await app.close();
    }
  });
});
