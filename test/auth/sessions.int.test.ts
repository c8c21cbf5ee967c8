import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { bearer, givenUser, signIn } from '../helpers/auth.ts';
import { testClock } from '../helpers/clock.ts';

const clock = testClock();
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ clock });
});
afterAll(async () => t.close());

const login = (username: string, password: string) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username, password }, headers: { 'user-agent': 'sessions-test' } });
const refresh = (refreshToken: string) => t.inject({ method: 'POST', url: '/api/v1/auth/refresh', anonymous: true, payload: { refreshToken } });
const securityEvents = async () => readStream(t.store.db, 'security', 1, 100_000);

describe('login', () => {
  it('given the right password, then an access token that works on the API and names the user', async () => {
    const { user, username, password } = await givenUser(t, 'viewer');
    const r = await login(username, password);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', user: { id: user.id, username, role: 'viewer' } });
    expect(new Date(body.accessTokenExpiresAt).getTime() - clock.now().getTime()).toBe(15 * 60_000);
    const me = await t.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer(body.accessToken) });
    expect(me.json()).toMatchObject({ kind: 'user', id: user.id, role: 'viewer', scopes: ['kpi:read', 'alerts:read', 'contacts:read', 'datasources:read', 'config:read', 'channels:read', 'routing:read'] });
    const last = (await securityEvents()).at(-1)!;
    expect(last).toMatchObject({ type: 'LoginSucceeded', data: { userId: user.id, username } });
    expect(last.metadata).toMatchObject({ actor: user.id, clientIp: '127.0.0.1', userAgent: 'sessions-test' });
    expect(last.metadata.correlationId).toMatch(/^cor_/);
  });

  it('given a wrong password or an unknown user, then the same 401 and a LoginFailed event with the reason', async () => {
    const { username } = await givenUser(t, 'viewer');
    const wrong = await login(username, 'not-the-password');
    const unknown = await login('nobody-at-all', 'whatever-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    const failures = (await securityEvents()).filter((e) => e.type === 'LoginFailed').map((e) => [e.data.username, e.data.reason]);
    expect(failures).toEqual(expect.arrayContaining([[username, 'bad_password'], [null, 'unknown_user']]));
  });

  it('given 5 failures in a row, then the account is locked for 15 minutes, even for the right password', async () => {
    const { user, username, password } = await givenUser(t, 'editor');
    for (let i = 0; i < 5; i++) expect((await login(username, `wrong-${i}`)).statusCode).toBe(401);
    expect((await login(username, password)).statusCode).toBe(401);
    const events = (await securityEvents()).filter((e) => e.data.userId === user.id);
    expect(events.map((e) => e.type)).toEqual([...Array(5).fill('LoginFailed'), 'AccountLocked', 'LoginFailed']);
    expect(events.at(-1)!.data.reason).toBe('locked');
    clock.advance(14 * 60_000);
    expect((await login(username, password)).statusCode).toBe(401);
    clock.advance(61_000);
    expect((await login(username, password)).statusCode).toBe(200);
  });

  it('given 4 failures and then a success, then the count starts again', async () => {
    const { username, password } = await givenUser(t, 'viewer');
    for (let i = 0; i < 4; i++) await login(username, 'wrong-password');
    expect((await login(username, password)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) await login(username, 'wrong-password');
    expect((await login(username, password)).statusCode).toBe(200);
  });

  it('given an access token older than 15 minutes, then it is refused', async () => {
    const { username, password } = await givenUser(t, 'viewer');
    const { accessToken } = await signIn(t, username, password);
    clock.advance(15 * 60_000 + 1_000);
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis', headers: bearer(accessToken) })).statusCode).toBe(401);
  });

  it('given a bad body, then a 400 naming the field', async () => {
    const r = await t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username: 'x' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ path: '/password', message: expect.any(String) }]);
  });
});

describe('refresh tokens', () => {
  it('rotate: each works once and gives a new pair', async () => {
    const { username, password } = await givenUser(t, 'viewer');
    const first = await signIn(t, username, password);
    const second = await refresh(first.refreshToken);
    expect(second.statusCode).toBe(200);
    expect(second.json().refreshToken).not.toBe(first.refreshToken);
    const third = await refresh(second.json().refreshToken);
    expect(third.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis', headers: bearer(third.json().accessToken) })).statusCode).toBe(200);
  });

  it('given an old token presented again, then the whole family is revoked and the reuse recorded', async () => {
    const { user, username, password } = await givenUser(t, 'viewer');
    const first = await signIn(t, username, password);
    const second = (await refresh(first.refreshToken)).json();
    const reuse = await refresh(first.refreshToken);
    expect(reuse.statusCode).toBe(401);
    // The thief's copy is dead, and so is the legitimate newest token of that family.
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    const events = await securityEvents();
    expect(events.filter((e) => e.type === 'RefreshTokenReused').map((e) => e.data.userId)).toContain(user.id);
    // Another login (another family) is untouched.
    const other = await signIn(t, username, password);
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
  });

  it('given an unknown or expired token, then 401', async () => {
    expect((await refresh('mgr_notatokenatall')).statusCode).toBe(401);
    const { username, password } = await givenUser(t, 'viewer');
    const pair = await signIn(t, username, password);
    clock.advance(15 * 86_400_000);
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
  });

  it('logout revokes the session: its refresh token stops working', async () => {
    const { username, password } = await givenUser(t, 'viewer');
    const pair = await signIn(t, username, password);
    const out = await t.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(pair.accessToken) });
    expect(out.statusCode).toBe(204);
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
    expect((await securityEvents()).at(-1)!.type).toBe('AuthenticationFailed');
  });
});

describe('rate limit', () => {
  it('given more logins from one address than the limit in a minute, then 429 problem+json', async () => {
    const limited = await buildTestApp({ store: t.store, overrides: { auth: { rateLimitPerMinute: 3 } } });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) {
        codes.push((await limited.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username: 'x', password: 'y' } })).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429]);
      const r = await limited.inject({ method: 'POST', url: '/api/v1/auth/refresh', anonymous: true, payload: { refreshToken: 'x' } });
      expect(r.statusCode).toBe(401); // each route has its own budget
      const again = await limited.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username: 'x', password: 'y' } });
      expect(again.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    } finally {
      await limited.close();
    }
  });
});

describe('lockout under parallel attempts', () => {
  it('given 8 wrong passwords at once, then every one counts and the account ends up locked', async () => {
    const { username, password } = await givenUser(t, 'viewer');
    await Promise.all(Array.from({ length: 8 }, (_, i) => login(username, `parallel-wrong-${i}`)));
    expect((await login(username, password)).statusCode).toBe(401);
  });
});
