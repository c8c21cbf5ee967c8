import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { givenKey } from '../helpers/auth.ts';
import { testClock } from '../helpers/clock.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

/** /api/v1/escalation-chains as a user meets it: CRUD with versions, validation as problem+json, refusals, scopes. */
const clock = testClock('2026-03-02T09:00:00Z');
let store: TestStore;
let t: TestApp;
let lead: string;
let team: string;

beforeAll(async () => {
  store = await createTestStore();
  t = await buildTestApp({ clock, store });
  lead = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Lead', email: 'lead@example.com' }) })).json().id;
  team = (await t.inject({ method: 'POST', url: '/api/v1/teams', payload: { name: 'On call', members: [lead], channels: [] } })).json().id;
});
afterAll(async () => {
  await t.close();
  await store.close();
});

const steps = () => [
  { afterMinutes: 0, targets: [{ type: 'team', id: team, kinds: ['email'] }] },
  { afterMinutes: 10, targets: [{ type: 'team', id: team, kinds: ['sms'] }] },
  { afterMinutes: 30, targets: [{ type: 'contact', id: lead }] },
];
const post = (payload: object, headers: Record<string, string> = {}) => t.inject({ method: 'POST', url: '/api/v1/escalation-chains', payload, headers });
let n = 0;
const create = async () => (await post({ name: `chain ${++n}`, steps: steps() })).json() as { id: string; name: string; version: number };

describe('escalation chains: the happy path', () => {
  it('given the example chain, then it is created, read with its ETag, listed, changed under If-Match and deleted', async () => {
    const res = await post({ name: 'On call DE', steps: steps() });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({ id: expect.stringMatching(/^esc_/), name: 'On call DE', steps: steps(), version: 1 });
    expect(res.headers.location).toBe(`/api/v1/escalation-chains/${c.id}`);
    const read = await t.inject({ method: 'GET', url: `/api/v1/escalation-chains/${c.id}` });
    expect([read.statusCode, read.headers.etag]).toEqual([200, '"1"']);
    expect(read.json()).toEqual(c);
    expect((await t.inject({ method: 'GET', url: '/api/v1/escalation-chains' })).json().items.map((x: { id: string }) => x.id)).toContain(c.id);

    const changed = await t.inject({ method: 'PATCH', url: `/api/v1/escalation-chains/${c.id}`, headers: { 'if-match': '"1"' }, payload: { steps: steps().slice(0, 2) } });
    expect([changed.statusCode, changed.json().version, changed.json().steps.length]).toEqual([200, 2, 2]);
    const stale = await t.inject({ method: 'PATCH', url: `/api/v1/escalation-chains/${c.id}`, headers: { 'if-match': '"1"' }, payload: { name: 'x' } });
    expect(stale.statusCode).toBe(409);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/escalation-chains/${c.id}` })).statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: `/api/v1/escalation-chains/${c.id}` })).statusCode).toBe(404);
  });
});

describe('escalation chains: errors', () => {
  it.each([
    ['steps not ascending', { steps: [{ afterMinutes: 10, targets: [{ type: 'contact', id: 'c' }] }, { afterMinutes: 5, targets: [{ type: 'contact', id: 'c' }] }] }, '/steps/1/afterMinutes'],
    ['no steps', { steps: [] }, '/steps'],
    ['an unknown contact', { steps: [{ afterMinutes: 0, targets: [{ type: 'contact', id: 'con_nobody' }] }] }, '/steps/0/targets/0/id'],
    ['an unknown team', { steps: [{ afterMinutes: 5, targets: [{ type: 'team', id: 'team_nobody' }] }] }, '/steps/0/targets/0/id'],
    ['kinds on a channel', { steps: [{ afterMinutes: 0, targets: [{ type: 'channel', id: 'chn_x', kinds: ['sms'] }] }] }, '/steps/0/targets/0/kinds'],
    ['minutes past a week', { steps: [{ afterMinutes: 10_081, targets: [{ type: 'contact', id: 'c' }] }] }, '/steps/0/afterMinutes'],
    ['an unknown kind', { steps: [{ afterMinutes: 0, targets: [{ type: 'contact', id: 'c', kinds: ['pigeon'] }] }] }, '/steps/0/targets/0/kinds/0'],
    ['an unknown field', { steps: [{ afterMinutes: 0, targets: [{ type: 'contact', id: 'c' }] }], owner: 'x' }, ''],
  ])('given %s, then 400 problem+json naming the field', async (_what, body, path) => {
    const res = await post({ name: `bad ${++n}`, ...body });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    if (path !== '') expect(res.json().errors.map((e: { path: string }) => e.path).join(' ')).toContain(path);
  });

  it('given a name in use, then 409; a missing chain is 404', async () => {
    const c = await create();
    expect((await post({ name: c.name, steps: steps() })).statusCode).toBe(409);
    expect((await t.inject({ method: 'PATCH', url: '/api/v1/escalation-chains/esc_missing', payload: { name: 'y' } })).statusCode).toBe(404);
    expect((await t.inject({ method: 'DELETE', url: '/api/v1/escalation-chains/esc_missing' })).statusCode).toBe(404);
  });

  it('given a route or the default route names the chain, then deleting it is refused with 409 naming them, until they no longer do', async () => {
    const c = await create();
    const route = (await t.inject({ method: 'POST', url: '/api/v1/routes', payload: { name: 'DE', match: {}, teams: [], channels: [], escalationChainId: c.id } })).json();
    const refused = await t.inject({ method: 'DELETE', url: `/api/v1/escalation-chains/${c.id}` });
    expect([refused.statusCode, refused.json().detail]).toEqual([409, `escalation chain ${c.id} is used by route ${route.id}`]);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/teams/${team}` })).statusCode).toBe(409); // the chain names the team
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/routes/${route.id}` })).statusCode).toBe(204);
    expect((await t.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: [], channels: [], escalationChainId: c.id } })).statusCode).toBe(200);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/escalation-chains/${c.id}` })).statusCode).toBe(409);
    expect((await t.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: [], channels: [], escalationChainId: null } })).statusCode).toBe(200);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/escalation-chains/${c.id}` })).statusCode).toBe(204);
    const dangling = await t.inject({ method: 'POST', url: '/api/v1/routes', payload: { name: 'gone', match: {}, teams: [], channels: [], escalationChainId: c.id } });
    expect([dangling.statusCode, dangling.json().errors[0].path]).toEqual([400, '/escalationChainId']);
  });

  it('given a chain names a contact or a channel, then deleting that contact or channel is refused with 409 naming the chain', async () => {
    const other = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Deputy', email: 'deputy@example.com' }) })).json().id;
    const channel = (await t.inject({ method: 'POST', url: '/api/v1/channels', payload: { name: 'ops mail', kind: 'email', settings: { address: 'ops@example.com' } } })).json().id;
    const c = (await post({ name: 'deputies', steps: [{ afterMinutes: 5, targets: [{ type: 'contact', id: other, kinds: ['email'] }, { type: 'channel', id: channel }] }] })).json();
    const refused = await t.inject({ method: 'DELETE', url: `/api/v1/contacts/${other}` });
    expect([refused.statusCode, refused.json().detail]).toEqual([409, `contact ${other} is named by escalation chains ${c.id}; remove it from them first`]);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/channels/${channel}` })).statusCode).toBe(409);
    await t.inject({ method: 'PATCH', url: `/api/v1/escalation-chains/${c.id}`, payload: { steps: [{ afterMinutes: 5, targets: [{ type: 'contact', id: lead }] }] } });
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/contacts/${other}` })).statusCode).toBe(204);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/channels/${channel}` })).statusCode).toBe(204);
  });
});

describe('escalation chains: security', () => {
  it('given routing:read, then it reads but cannot change; other scopes and no credentials are refused', async () => {
    const c = await create();
    const reader = { 'x-api-key': (await givenKey(t, { scopes: ['routing:read'] })).key };
    expect((await t.inject({ method: 'GET', url: '/api/v1/escalation-chains', headers: reader })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `/api/v1/escalation-chains/${c.id}`, headers: reader })).statusCode).toBe(200);
    expect((await post({ name: 'nope', steps: steps() }, reader)).statusCode).toBe(403);
    expect((await t.inject({ method: 'PATCH', url: `/api/v1/escalation-chains/${c.id}`, headers: reader, payload: { name: 'x' } })).statusCode).toBe(403);
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/escalation-chains/${c.id}`, headers: reader })).statusCode).toBe(403);
    const writer = { 'x-api-key': (await givenKey(t, { scopes: ['routing:write'] })).key };
    expect((await post({ name: `by key ${++n}`, steps: steps() }, writer)).statusCode).toBe(201);
    const other = { 'x-api-key': (await givenKey(t, { scopes: ['contacts:read', 'alerts:write'] })).key };
    expect((await t.inject({ method: 'GET', url: '/api/v1/escalation-chains', headers: other })).statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/api/v1/escalation-chains', anonymous: true })).statusCode).toBe(401);
    expect((await t.inject({ method: 'POST', url: '/api/v1/escalation-chains', anonymous: true, payload: { name: 'x', steps: steps() } })).statusCode).toBe(401);
  });
});
