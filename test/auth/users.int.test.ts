import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { bearer, givenKey, givenUser, signIn } from '../helpers/auth.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

const users = (opts: { method?: 'GET' | 'POST' | 'PATCH'; url?: string; payload?: unknown; headers?: Record<string, string> } = {}) =>
  t.inject({ method: opts.method ?? 'GET', url: `/api/v1/users${opts.url ?? ''}`, ...(opts.payload ? { payload: opts.payload } : {}), ...(opts.headers ? { headers: opts.headers } : {}) });
const login = (username: string, password: string) =>
  t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username, password } });

describe('/api/v1/users', () => {
  it('POST creates a user who can sign in at once; GET lists users without any password hash', async () => {
    const r = await users({ method: 'POST', payload: { username: 'ann', role: 'editor', password: 'ann-correct-horse' } });
    expect(r.statusCode).toBe(201);
    expect(r.headers.location).toBe(`/api/v1/users/${r.json().id}`);
    const located = await t.inject({ method: 'GET', url: r.headers.location as string });
    expect(located.statusCode).toBe(200);
    expect(located.json()).toEqual(r.json());
    expect(r.json()).toMatchObject({ username: 'ann', role: 'editor', active: true, lockedUntil: null });
    expect((await login('ann', 'ann-correct-horse')).statusCode).toBe(200);
    const list = await users();
    expect(list.json().items.map((u: { username: string }) => u.username)).toContain('ann');
    expect(list.body).not.toMatch(/argon2|passwordHash|failedLogins/);
  });

  it('PATCH disables a user: login refused, the session\'s refresh token dead; enabling lets them in again; both are security events', async () => {
    const { user, username, password } = await givenUser(t, 'viewer');
    const session = await signIn(t, username, password);
    const off = await users({ method: 'PATCH', url: `/${user.id}`, payload: { active: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: user.id, active: false });
    expect((await login(username, password)).statusCode).toBe(401);
    const refresh = await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', anonymous: true, payload: { refreshToken: session.refreshToken } });
    expect(refresh.statusCode).toBe(401);
    expect((await users({ method: 'PATCH', url: `/${user.id}`, payload: { active: true } })).json().active).toBe(true);
    expect((await login(username, password)).statusCode).toBe(200);
    const events = (await readStream(t.store.db, 'security')).filter((e) => e.data.userId === user.id && e.type.startsWith('User'));
    expect(events.map((e) => [e.type, e.metadata.actor])).toEqual([['UserDisabled', t.adminKeyId], ['UserEnabled', t.adminKeyId]]);
  });

  it('refuses a short password, an unknown role and a taken name with the field at fault; an unknown id is a 404', async () => {
    const bad = await users({ method: 'POST', payload: { username: 'bob', role: 'owner', password: 'short' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/password', '/role']);
    await users({ method: 'POST', payload: { username: 'carl', role: 'viewer', password: 'carl-correct-horse' } });
    expect((await users({ method: 'POST', payload: { username: 'carl', role: 'viewer', password: 'carl-correct-horse' } })).statusCode).toBe(409);
    expect((await users({ method: 'PATCH', url: '/usr_nobody', payload: { active: false } })).statusCode).toBe(404);
    expect((await users({ url: '/usr_nobody' })).statusCode).toBe(404);
    expect((await users({ method: 'PATCH', url: '/usr_nobody', payload: { active: 'no' } })).statusCode).toBe(400);
  });

  it('an administrator cannot disable themselves', async () => {
    const { user, username, password } = await givenUser(t, 'admin');
    const { accessToken } = await signIn(t, username, password);
    const r = await users({ method: 'PATCH', url: `/${user.id}`, payload: { active: false }, headers: bearer(accessToken) });
    expect(r.statusCode).toBe(409);
    expect((await login(username, password)).statusCode).toBe(200);
  });

  it('is for administrators only: 401 without credentials, 403 for an editor or a key without admin:*', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/users', anonymous: true })).statusCode).toBe(401);
    const editor = await givenUser(t, 'editor');
    const { accessToken } = await signIn(t, editor.username, editor.password);
    expect((await users({ headers: bearer(accessToken) })).statusCode).toBe(403);
    expect((await users({ url: `/${editor.user.id}`, headers: bearer(accessToken) })).statusCode).toBe(403);
    const { key } = await givenKey(t, { scopes: ['kpi:*', 'alerts:*', 'contacts:*', 'datasources:*', 'audit:read'] });
    expect((await users({ method: 'POST', payload: { username: 'eve', role: 'admin', password: 'eve-correct-horse' }, headers: { 'x-api-key': key } })).statusCode).toBe(403);
    expect((await login('eve', 'eve-correct-horse')).statusCode).toBe(401);
  });
});
