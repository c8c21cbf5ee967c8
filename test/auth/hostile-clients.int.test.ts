import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { generateApiKey } from '../../src/core/auth/api-key-format.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { givenKey, givenUser } from '../helpers/auth.ts';
import { testClock } from '../helpers/clock.ts';
import { problemShapeErrors, send, type RawResponse } from '../helpers/http-client.ts';

/**
 * Issue 12, what must hold 9–11, over real HTTP: failed authentication cannot grow the store without
 * bound, a lockout cannot be used against a user, and behind a trusted proxy clients are told apart.
 */
const clock = testClock();
let t: TestApp;
let base: string;
const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });

beforeAll(async () => {
  // Behind a proxy on this machine: X-Forwarded-For gives each request the address the test says.
  t = await buildTestApp({ clock, overrides: { auth: { rateLimitPerMinute: 10_000 }, http: { trustProxy: ['127.0.0.1'] } } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  agent.destroy();
  await t.close();
});

let addresses = 0;
/** A client address of its own for each case (the documentation ranges), so cases do not share limits. */
const nextAddress = () => `203.0.113.${++addresses}`;
const securityEventCount = async () => (await readStream(t.store.db, 'security', 1, 100_000)).length;
const from = (address: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...headers });

async function expired(): Promise<string> {
  const { key } = await givenKey(t, { scopes: ['kpi:read'], expiresAt: new Date(clock.now().getTime() + 1_000) });
  clock.advance(2_000);
  return key;
}
async function revoked(): Promise<string> {
  const { id, key } = await givenKey(t, { scopes: ['kpi:read'] });
  expect((await t.inject({ method: 'DELETE', url: `/api/v1/apikey/${id}` })).statusCode).toBe(200);
  return key;
}

describe('failed authentication from one address', () => {
  const reasons: [string, () => Promise<Record<string, string>>][] = [
    ['missing', async () => ({})],
    ['malformed', async () => ({ 'x-api-key': 'not-a-key' })],
    ['unknown', async () => ({ 'x-api-key': generateApiKey((n) => randomBytes(n)) })],
    ['expired', async () => ({ 'x-api-key': await expired() })],
    ['revoked', async () => ({ 'x-api-key': await revoked() })],
    ['bad token', async () => ({ authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' })],
  ];
  for (const [reason, credentials] of reasons) {
    it(`${reason}: 300 failures within a minute add at most 30 security events; past the limit the address gets 429 with Retry-After`, async () => {
      const headers = from(nextAddress(), await credentials());
      const before = await securityEventCount();
      const answers: RawResponse[] = [];
      for (let i = 0; i < 300; i += 30) {
        answers.push(...await Promise.all(Array.from({ length: 30 }, () => send(base, { method: 'GET', path: '/api/v1/kpis', headers }, agent))));
      }
      const statuses = new Set(answers.map((a) => a.status));
      expect([...statuses].every((s) => s === 401 || s === 429), [...statuses].join()).toBe(true);
      const limited = answers.filter((a) => a.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(250);
      expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
      expect(problemShapeErrors(limited[0]!)).toEqual([]);
      await t.app.flushAuthFailures();
      const added = (await securityEventCount()) - before;
      expect(added).toBeLessThanOrEqual(30);
      if (reason !== 'missing') {
        const events = (await readStream(t.store.db, 'security', 1, 100_000)).slice(-added).filter((e) => e.type === 'AuthenticationFailed');
        // What was not recorded one by one is counted: every refusal is accounted for.
        const counted = events.reduce((n, e) => n + Number((e.data as { count?: number }).count ?? 1), 0);
        expect(counted).toBe(300);
      }
    });
  }

  it('valid credentials are not limited by them, from another address or from the same one', async () => {
    const address = nextAddress();
    const bad = from(address, { 'x-api-key': 'not-a-key' });
    for (let i = 0; i < 40; i++) await send(base, { method: 'GET', path: '/api/v1/kpis', headers: bad }, agent);
    expect((await send(base, { method: 'GET', path: '/api/v1/kpis', headers: bad }, agent)).status).toBe(429);
    expect((await send(base, { method: 'GET', path: '/api/v1/kpis', headers: from(nextAddress(), { 'x-api-key': t.adminKey }) }, agent)).status).toBe(200);
    // A colleague behind the same address (one NAT, one proxy) is not shut out by someone else's failures.
    expect((await send(base, { method: 'GET', path: '/api/v1/kpis', headers: from(address, { 'x-api-key': t.adminKey }) }, agent)).status).toBe(200);
  });
});

const login = (address: string | null, username: string, password: string) =>
  send(base, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) }, body: JSON.stringify({ username, password }) }, agent);

describe('a lockout cannot be used against a user', () => {
  it('five wrong passwords from one address lock that address out, not the user: the user signs in from another', async () => {
    const { user, username, password } = await givenUser(t, 'admin');
    const attacker = nextAddress();
    for (let i = 0; i < 5; i++) expect((await login(attacker, username, `guess-${i}`)).status).toBe(401);
    // Guessing from there stops, even the right password is refused there ...
    expect((await login(attacker, username, password)).status).toBe(401);
    // ... and the user, elsewhere, signs in.
    expect((await login(nextAddress(), username, password)).status).toBe(200);
    const locked = (await readStream(t.store.db, 'security', 1, 100_000)).filter((e) => e.type === 'AccountLocked' && (e.data as { userId: string }).userId === user.id);
    expect(locked).toHaveLength(1);
    expect(locked[0]!.data).toMatchObject({ clientIp: attacker });
    clock.advance(15 * 60_000 + 1_000);
    expect((await login(attacker, username, password)).status).toBe(200);
  });

  it('without TRUST_PROXY a forwarded address is not believed: changing X-Forwarded-For does not escape a lockout', async () => {
    const plain = await buildTestApp({ clock, store: t.store, overrides: { auth: { rateLimitPerMinute: 10_000 } } });
    try {
      const url = await plain.app.listen({ port: 0, host: '127.0.0.1' });
      const { username, password } = await givenUser(plain, 'viewer');
      const at = (address: string, pw: string) => send(url, { method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify({ username, password: pw }) });
      for (let i = 0; i < 5; i++) expect((await at(`198.51.100.${i}`, `guess-${i}`)).status).toBe(401);
      expect((await at('198.51.100.99', password)).status).toBe(401);
    } finally {
      await plain.close();
    }
  });
});

describe('a failed login for an unknown username stores no text that could be a password', () => {
  it('the LoginFailed event names no username when there is no such user', async () => {
    const typedIntoTheWrongField = 'Correct-Horse-Battery-9';
    expect((await login(nextAddress(), typedIntoTheWrongField, 'whatever')).status).toBe(401);
    const events = await readStream(t.store.db, 'security', 1, 100_000);
    const failed = events.filter((e) => e.type === 'LoginFailed').at(-1)!;
    expect(failed.data).toMatchObject({ userId: null, reason: 'unknown_user', username: null });
    expect(JSON.stringify(events)).not.toContain(typedIntoTheWrongField);
  });
});
