import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { bearer, givenKey, givenUser, signIn } from '../helpers/auth.ts';
import { buildContact, buildDataSource, buildKpi } from '../helpers/factories.ts';

/** /api/v1/teams, /routes, /routes/default, /routes/test and KPI labels as a user meets them. */
let t: TestApp;
let dataSourceId: string;
let ann: string;
let bob: string;
let channelId: string;

beforeAll(async () => {
  t = await buildTestApp();
  dataSourceId = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource() })).json().id;
  ann = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Ann' }) })).json().id;
  bob = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Bob' }) })).json().id;
  channelId = (await t.inject({ method: 'POST', url: '/api/v1/channels', payload: { name: 'ops room', kind: 'webhook', settings: { url: 'http://127.0.0.1:1/hook' } } })).json().id;
});
afterAll(async () => t.close());

const post = (url: string, payload: unknown) => t.inject({ method: 'POST', url, payload: payload as object });
const expectProblem = (res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string } }, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
};
const paths = (res: { json(): { errors?: { path: string }[] } }) => (res.json().errors ?? []).map((e) => e.path);

describe('teams', () => {
  it('creates, reads (ETag), lists, changes (If-Match) and deletes a team', async () => {
    const res = await post('/api/v1/teams', { name: 'Checkout', description: 'the checkout on-call', members: [ann, bob, ann], channels: [channelId] });
    expect(res.statusCode, res.body).toBe(201);
    const team = res.json();
    expect(team).toMatchObject({ id: expect.stringMatching(/^team_/), name: 'Checkout', description: 'the checkout on-call', members: [ann, bob], channels: [channelId], version: 1 });
    expect(res.headers.location).toBe(`/api/v1/teams/${team.id}`);
    const read = await t.inject({ method: 'GET', url: `/api/v1/teams/${team.id}` });
    expect(read.headers.etag).toBe('"1"');
    expect(read.json()).toEqual(team);
    expect((await t.inject({ method: 'GET', url: '/api/v1/teams' })).json()).toMatchObject({ items: [team], nextCursor: null });

    const stale = await t.inject({ method: 'PATCH', url: `/api/v1/teams/${team.id}`, headers: { 'if-match': '"7"' }, payload: { members: [bob] } });
    expectProblem(stale, 409);
    const changed = await t.inject({ method: 'PATCH', url: `/api/v1/teams/${team.id}`, headers: { 'if-match': '"1"' }, payload: { members: [bob], description: null } });
    expect(changed.json()).toMatchObject({ members: [bob], description: null, version: 2 });
    expect((await t.inject({ method: 'GET', url: `/api/v1/teams/${team.id}?asOf=1` })).json()).toMatchObject({ members: [ann, bob], version: 1 });

    expect((await t.inject({ method: 'DELETE', url: `/api/v1/teams/${team.id}` })).statusCode).toBe(204);
    expectProblem(await t.inject({ method: 'GET', url: `/api/v1/teams/${team.id}` }), 404);
  });

  it('refuses unknown members and channels (400 naming the field), a taken name (409) and bad bodies (400 problem+json)', async () => {
    const unknown = await post('/api/v1/teams', { name: 'Ghosts', members: [ann, 'con_nobody'], channels: ['chn_nothing'] });
    expectProblem(unknown, 400);
    expect(paths(unknown)).toEqual(['/members/1', '/channels/0']);
    await post('/api/v1/teams', { name: 'Taken', members: [], channels: [] });
    expectProblem(await post('/api/v1/teams', { name: 'Taken', members: [], channels: [] }), 409);
    for (const body of [{ name: 'x' }, { name: '', members: [], channels: [] }, { name: 'x'.repeat(101), members: [], channels: [] }, { name: 'x', members: [], channels: [], extra: 1 }, { name: 'y', members: 'ann', channels: [] }, []]) {
      expectProblem(await post('/api/v1/teams', body), 400);
    }
    expectProblem(await t.inject({ method: 'PATCH', url: '/api/v1/teams/team_nothing', payload: { name: 'z' } }), 404);
  });

  it('refuses to delete a team that a route or the default route names (409 naming them)', async () => {
    const team = (await post('/api/v1/teams', { name: 'In use', members: [ann], channels: [] })).json();
    const route = (await post('/api/v1/routes', { name: 'uses it', match: {}, teams: [team.id], channels: [] })).json();
    const refused = await t.inject({ method: 'DELETE', url: `/api/v1/teams/${team.id}` });
    expectProblem(refused, 409);
    expect(refused.json()).toMatchObject({ routeIds: [route.id] });
    await t.inject({ method: 'DELETE', url: `/api/v1/routes/${route.id}` });
    await t.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: [team.id], channels: [] } });
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/teams/${team.id}` })).json()).toMatchObject({ routeIds: ['default'] });
    await t.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: [], channels: [] } });
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/teams/${team.id}` })).statusCode).toBe(204);
  });
});

describe('routes', () => {
  it('appends rules 10 apart, lists them by position, and moves one with a PATCH', async () => {
    const before = (await t.inject({ method: 'GET', url: '/api/v1/routes' })).json().items.length;
    const a = (await post('/api/v1/routes', { name: 'a', match: { owners: ['payments'] }, teams: [], channels: [channelId] })).json();
    const b = await post('/api/v1/routes', { name: 'b', match: { priorities: [1], severities: ['critical'], labels: { team: 'checkout' } }, teams: [], channels: [], escalationChainId: 'esc_01ABC', continue: true });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json()).toMatchObject({ id: expect.stringMatching(/^rte_/), position: a.position + 10, escalationChainId: 'esc_01ABC', continue: true, version: 1 });
    const moved = await t.inject({ method: 'PATCH', url: `/api/v1/routes/${b.json().id}`, headers: { 'if-match': '"1"' }, payload: { position: a.position - 1 } });
    expect(moved.json()).toMatchObject({ position: a.position - 1, version: 2 });
    const order = (await t.inject({ method: 'GET', url: '/api/v1/routes' })).json().items.map((r: { id: string }) => r.id);
    expect(order.slice(before)).toEqual([b.json().id, a.id]);
    expect((await t.inject({ method: 'GET', url: `/api/v1/routes/${a.id}` })).headers.etag).toBe('"1"');
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/routes/${a.id}` })).statusCode).toBe(204);
    await t.inject({ method: 'DELETE', url: `/api/v1/routes/${b.json().id}` });
  });

  it('refuses bad rules with 400 problem+json naming the field', async () => {
    const cases: [object, string][] = [
      [{ name: 'r', match: { owners: [] }, teams: [], channels: [] }, '/match/owners'],
      [{ name: 'r', match: { labels: { 'Bad-Name': 'x' } }, teams: [], channels: [] }, '/match/labels'],
      [{ name: 'r', match: { severities: ['urgent'] }, teams: [], channels: [] }, '/match/severities/0'],
      [{ name: 'r', match: {}, teams: ['team_nothing'], channels: [] }, '/teams/0'],
      [{ name: 'r', match: {}, teams: [], channels: ['chn_nothing'] }, '/channels/0'],
      [{ name: 'r', match: {}, teams: [], channels: [], escalationChainId: 'team_x' }, '/escalationChainId'],
      [{ name: 'r', match: {}, teams: [], channels: [], position: -1 }, '/position'],
      [{ name: 'r', match: { unknown: 1 }, teams: [], channels: [] }, '/match'],
    ];
    for (const [body, path] of cases) {
      const res = await post('/api/v1/routes', body);
      expectProblem(res, 400);
      expect(paths(res).some((p: string) => p.startsWith(path)), `${JSON.stringify(body)}: ${res.body}`).toBe(true);
    }
    expectProblem(await t.inject({ method: 'GET', url: '/api/v1/routes/rte_nothing' }), 404);
    expectProblem(await t.inject({ method: 'DELETE', url: '/api/v1/routes/rte_nothing' }), 404);
  });

  it('keeps a default route: version 0 until set, then versioned, refusing a stale If-Match and unknown teams', async () => {
    const fresh = await buildTestApp();
    try {
      expect((await fresh.inject({ method: 'GET', url: '/api/v1/routes/default' })).json()).toEqual({ teams: [], channels: [], escalationChainId: null, version: 0, updatedAt: null });
      const set = await fresh.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: [], channels: [], escalationChainId: 'esc_1' } });
      expect(set.json()).toMatchObject({ escalationChainId: 'esc_1', version: 1 });
      expect(set.headers.etag).toBe('"1"');
      expectProblem(await fresh.inject({ method: 'PUT', url: '/api/v1/routes/default', headers: { 'if-match': '"0"' }, payload: { teams: [], channels: [] } }), 409);
      const unknown = await fresh.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: ['team_nothing'], channels: [] } });
      expectProblem(unknown, 400);
      expect(paths(unknown)).toEqual(['/teams/0']);
      expect((await fresh.inject({ method: 'PUT', url: '/api/v1/routes/default', headers: { 'if-match': '"1"' }, payload: { teams: [], channels: [] } })).json()).toMatchObject({ escalationChainId: null, version: 2 });
    } finally {
      await fresh.close();
    }
  });

  it('tests where an alert would go: a 404 for an unknown KPI and a 400 for a bad severity', async () => {
    expectProblem(await post('/api/v1/routes/test', { kpiId: 'kpi_nothing' }), 404);
    expectProblem(await post('/api/v1/routes/test', { kpiId: 'kpi_x', severity: 'urgent' }), 400);
    expectProblem(await post('/api/v1/routes/test', {}), 400);
  });
});

describe('KPI labels', () => {
  it('are set, shown, changed and usable in templates; bad names, values and counts are 400', async () => {
    const res = await post('/api/v1/kpis', buildKpi({ dataSourceId, labels: { team: 'checkout', region: 'eu' }, subjectTemplate: '{indicator} for {labels.team}' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().labels).toEqual({ region: 'eu', team: 'checkout' });
    const patched = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${res.json().id}`, payload: { labels: { team: 'payments' } } });
    expect(patched.json()).toMatchObject({ labels: { team: 'payments' }, version: 2 });
    expect((await post('/api/v1/kpis', buildKpi({ dataSourceId }))).json().labels).toEqual({});
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`l${i}`, 'x']));
    for (const labels of [{ 'Team': 'x' }, { team: '' }, { team: 'x'.repeat(201) }, many, { team: null }]) {
      const bad = await post('/api/v1/kpis', buildKpi({ dataSourceId, labels: labels as Record<string, string> }));
      expect(bad.statusCode, JSON.stringify(labels).slice(0, 40)).toBe(400);
      expectProblem(bad, 400);
    }
    const template = await post('/api/v1/kpis', buildKpi({ dataSourceId, subjectTemplate: '{labels.Team}' }));
    expectProblem(template, 400);
    expect(paths(template)).toEqual(['/subjectTemplate']);
  });
});

describe('who may call the routing routes', () => {
  const routes: [string, string, object?][] = [
    ['GET', '/api/v1/teams'], ['POST', '/api/v1/teams', { name: 'sec', members: [], channels: [] }], ['GET', '/api/v1/teams/team_x'],
    ['PATCH', '/api/v1/teams/team_x', { name: 'y' }], ['DELETE', '/api/v1/teams/team_x'],
    ['GET', '/api/v1/routes'], ['POST', '/api/v1/routes', { name: 'r', match: {}, teams: [], channels: [] }], ['GET', '/api/v1/routes/rte_x'],
    ['PATCH', '/api/v1/routes/rte_x', { name: 'y' }], ['DELETE', '/api/v1/routes/rte_x'], ['GET', '/api/v1/routes/default'],
    ['PUT', '/api/v1/routes/default', { teams: [], channels: [] }], ['POST', '/api/v1/routes/test', { kpiId: 'kpi_x' }],
  ];
  const writes = (m: string, url: string) => m !== 'GET' && url !== '/api/v1/routes/test';

  it('refuses anonymous callers (401) and keys without a routing scope (403)', async () => {
    const other = await givenKey(t, { scopes: ['kpi:read', 'contacts:*', 'channels:*'] });
    for (const [method, url, payload] of routes) {
      const opts = { method: method as 'GET', url, ...(payload ? { payload } : {}) };
      expectProblem(await t.inject({ ...opts, anonymous: true }), 401);
      expectProblem(await t.inject({ ...opts, headers: { 'x-api-key': other.key } }), 403);
    }
  });

  it('lets routing:read read and test but not write; a viewer reads, an editor writes', async () => {
    const reader = await givenKey(t, { scopes: ['routing:read'] });
    for (const [method, url, payload] of routes) {
      const res = await t.inject({ method: method as 'GET', url, headers: { 'x-api-key': reader.key }, ...(payload ? { payload } : {}) });
      if (writes(method, url)) expectProblem(res, 403);
      else expect(res.statusCode, `${method} ${url}`).not.toBe(403);
    }
    const viewer = await givenUser(t, 'viewer');
    const vt = await signIn(t, viewer.username, viewer.password);
    expect((await t.inject({ method: 'GET', url: '/api/v1/teams', headers: bearer(vt.accessToken) })).statusCode).toBe(200);
    expectProblem(await t.inject({ method: 'POST', url: '/api/v1/teams', headers: bearer(vt.accessToken), payload: { name: 'v', members: [], channels: [] } }), 403);
    const editor = await givenUser(t, 'editor');
    const et = await signIn(t, editor.username, editor.password);
    expect((await t.inject({ method: 'POST', url: '/api/v1/teams', headers: bearer(et.accessToken), payload: { name: 'by an editor', members: [], channels: [] } })).statusCode).toBe(201);
  });
});
