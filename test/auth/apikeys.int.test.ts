import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { bearer, givenKey, givenUser, signIn } from '../helpers/auth.ts';
import { buildContact } from '../helpers/factories.ts';
import { testClock } from '../helpers/clock.ts';

const clock = testClock();
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ clock });
});
afterAll(async () => t.close());

const create = (payload: Record<string, unknown>) => t.inject({ method: 'POST', url: '/api/v1/apikey', payload });
const asKey = (key: string, url = '/api/v1/kpis') => t.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

describe('/api/v1/apikey', () => {
  it('POST creates a key, shows it once; GET shows only its prefix; it works at once with its scopes', async () => {
    const r = await create({ name: 'ci pipeline', owner: 'platform', scopes: ['kpi:read'] });
    expect(r.statusCode).toBe(201);
    expect(r.headers['cache-control']).toBe('no-store');
    const created = r.json();
    expect(created).toMatchObject({ name: 'ci pipeline', owner: 'platform', scopes: ['kpi:read'], status: 'active', useCount: 0 });
    expect(created.key).toMatch(/^mgk_[0-9A-Za-z]{38}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const read = await t.inject({ method: 'GET', url: `/api/v1/apikey/${created.id}` });
    expect(read.json()).not.toHaveProperty('key');
    expect(JSON.stringify((await t.inject({ method: 'GET', url: '/api/v1/apikey' })).json())).not.toContain(created.key);
    expect((await asKey(created.key)).statusCode).toBe(200);
    expect((await t.inject({ method: 'POST', url: '/api/v1/kpis', headers: { 'x-api-key': created.key }, payload: {} })).statusCode).toBe(403);
  });

  it('GET /apikey/test echoes the calling key\'s name, owner and scopes', async () => {
    const { id, key } = await givenKey(t, { name: 'echo me', owner: 'payments', scopes: ['alerts:*'] });
    const r = await asKey(key, '/api/v1/apikey/test');
    expect(r.json()).toEqual({ kind: 'api_key', id, name: 'echo me', owner: 'payments', scopes: ['alerts:*'] });
  });

  it('DELETE revokes: the next request with the key is a 401, and the revocation is a security event naming its actor', async () => {
    const { id, key } = await givenKey(t, { scopes: ['kpi:read'] });
    expect((await asKey(key)).statusCode).toBe(200); // now cached on this node
    const r = await t.inject({ method: 'DELETE', url: `/api/v1/apikey/${id}` });
    expect(r.json()).toMatchObject({ id, status: 'revoked' });
    expect((await asKey(key)).statusCode).toBe(401);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/apikey/${id}` })).statusCode).toBe(409);
    const events = await readStream(t.store.db, 'security', 1, 10_000);
    const revoked = events.find((e) => e.type === 'ApiKeyRevoked' && e.data.id === id)!;
    expect(revoked.metadata.actor).toMatch(/^key_/);
    expect(events.find((e) => e.type === 'AuthenticationFailed' && e.data.keyId === id)?.data.reason).toBe('revoked');
  });

  it('an expired key fails from its expiry on', async () => {
    const expiresAt = new Date(clock.now().getTime() + 60_000).toISOString();
    const { key, id } = (await create({ name: 'short', scopes: ['kpi:read'], expiresAt })).json();
    expect((await asKey(key)).statusCode).toBe(200);
    clock.advance(60_000);
    expect((await asKey(key)).statusCode).toBe(401);
    expect((await t.inject({ method: 'GET', url: `/api/v1/apikey/${id}` })).json().status).toBe('expired');
  });

  it('statistics count keys by state, use and owner', async () => {
    const stats = async () => (await t.inject({ method: 'GET', url: '/api/v1/apikey/statistics' })).json();
    const before = await stats();
    const used = await givenKey(t, { owner: 'alpha', scopes: ['kpi:read'] });
    await givenKey(t, { owner: 'alpha', scopes: ['kpi:read'] });
    const revoked = await givenKey(t, { owner: 'beta', scopes: ['kpi:read'] });
    await givenKey(t, { owner: 'beta', scopes: ['kpi:read'], expiresAt: new Date(clock.now().getTime() + 1_000) });
    const usedAt = clock.now().toISOString();
    await asKey(used.key);
    await asKey(used.key);
    await t.inject({ method: 'DELETE', url: `/api/v1/apikey/${revoked.id}` });
    clock.advance(2_000);
    const after = await stats();
    const delta = Object.fromEntries(['total', 'active', 'revoked', 'expired', 'usedLast7Days', 'neverUsed'].map((k) => [k, after[k] - before[k]]));
    expect(delta).toEqual({ total: 4, active: 2, revoked: 1, expired: 1, usedLast7Days: 1, neverUsed: 3 });
    expect(after.byOwner).toMatchObject({ alpha: 2, beta: 2 });
    const usedView = (await t.inject({ method: 'GET', url: `/api/v1/apikey/${used.id}` })).json();
    expect(usedView).toMatchObject({ useCount: 2, lastUsedAt: usedAt });
  });

  it('every change names its actor in the event metadata: the key id or the user id', async () => {
    const { id: keyId, key } = await givenKey(t, { scopes: ['contacts:write'] });
    const { user, username, password } = await givenUser(t, 'editor');
    const { accessToken } = await signIn(t, username, password);
    const byKey = (await t.inject({ method: 'POST', url: '/api/v1/contacts', headers: { 'x-api-key': key }, payload: buildContact() })).json();
    const byUser = (await t.inject({ method: 'POST', url: '/api/v1/contacts', headers: bearer(accessToken), payload: buildContact() })).json();
    expect((await readStream(t.store.db, `contact-${byKey.id}`))[0]!.metadata.actor).toBe(keyId);
    expect((await readStream(t.store.db, `contact-${byUser.id}`))[0]!.metadata.actor).toBe(user.id);
  });

  it('bad input is a 400 naming each field; an unknown id a 404', async () => {
    const r = await create({ name: ' ', scopes: ['kpi:read', 'kpi:delete', 'users:*'], expiresAt: '2000-01-01T00:00:00Z' });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: { path: string }) => e.path)).toEqual(['/name', '/scopes/1', '/scopes/2', '/expiresAt']);
    expect((await create({ name: 'x', scopes: [] })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/v1/apikey/key_nope' })).statusCode).toBe(404);
    expect((await t.inject({ method: 'DELETE', url: '/api/v1/apikey/key_nope' })).statusCode).toBe(404);
  });

  it('a key with the right scope but a typo is refused without revealing which', async () => {
    const { key } = await givenKey(t, { scopes: ['admin:*'] });
    const typo = `${key.slice(0, 10)}${key[10] === 'a' ? 'b' : 'a'}${key.slice(11)}`;
    const unknownButValid = await asKey(`mgk_${'A'.repeat(32)}000000`);
    const r = await asKey(typo);
    expect(r.statusCode).toBe(401);
    expect(unknownButValid.statusCode).toBe(401);
    expect(r.json().detail).toBe(unknownButValid.json().detail);
  });
});
