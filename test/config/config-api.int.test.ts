import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { givenKey } from '../helpers/auth.ts';
import { settle } from '../helpers/subscriptions.ts';
import { createAuditProjection } from '../../src/adapters/audit/audit-projection.ts';
import { replay } from '../../src/adapters/replay/replay.ts';

/** The configuration file through the API: export, plan, apply, on a store that other tests do not share. */
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  [a, b] = await Promise.all([buildTestApp(), buildTestApp()]);
});
afterAll(async () => Promise.all([a?.close(), b?.close()]));

const yaml = { 'content-type': 'application/yaml' };
const exportYaml = async (t: TestApp): Promise<string> => {
  const r = await t.inject({ method: 'GET', url: '/api/v1/config' });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toMatch(/^application\/yaml/);
  return r.body;
};
const plan = (t: TestApp, file: string, query = '') => t.inject({ method: 'POST', url: `/api/v1/config/plan${query}`, headers: yaml, payload: file });
const apply = (t: TestApp, file: string, query = '', headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url: `/api/v1/config/apply${query}`, headers: { ...yaml, ...headers }, payload: file });
const eventCount = async (t: TestApp): Promise<number> =>
  Number((await t.store.db.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
const post = async (t: TestApp, url: string, payload: object): Promise<{ id: string }> => {
  const r = await t.inject({ method: 'POST', url: `/api/v1${url}`, payload });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
};

describe('export, apply on a fresh store, export again', () => {
  let exported = '';

  beforeAll(async () => {
    const replica = await post(a, '/datasources', { name: 'replica', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'shop', user: 'monitor', passwordEnv: 'REPLICA_PASSWORD' });
    const ann = await post(a, '/contacts', { name: 'Ann', email: 'ann@example.com' });
    const ops = await post(a, '/contacts', { name: 'Ops rota', email: 'ops@example.com', phone: '+4915112345678' });
    await post(a, '/kpis', {
      indicator: 'Deposits', owner: 'payments', dataSourceId: replica.id, contactIds: [ops.id, ann.id], frequencyMinutes: 15,
      query: 'SELECT count(*) AS value\nFROM deposits\nWHERE created_at > now() - make_interval(mins => :forLastMinutes)', minThreshold: 10,
    });
    await post(a, '/kpis', {
      indicator: 'Refunds', owner: 'payments', dataSourceId: replica.id, contactIds: [ann.id], cron: '0 9 * * 1-5', timezone: 'Europe/Berlin',
      query: 'SELECT count(*) AS value FROM refunds', sensitivity: null, deviationPercent: 25, pendingExecutions: 3,
    });
    exported = await exportYaml(a);
  });

  it('names entities, not ids, and holds no secret', () => {
    const doc = parse(exported);
    expect(doc.version).toBe(1);
    expect(doc.dataSources.map((d: { name: string }) => d.name)).toEqual(['replica']);
    expect(doc.contacts.map((c: { name: string }) => c.name)).toEqual(['Ann', 'Ops rota']);
    expect(doc.kpis[0]).toMatchObject({ indicator: 'Deposits', dataSource: 'replica', contacts: ['Ann', 'Ops rota'], frequencyMinutes: 15, minThreshold: 10 });
    expect(exported).not.toMatch(/\b(kpi|con|dsn)_[0-9A-Za-z]{10,}/);
    expect(doc.dataSources[0]).toMatchObject({ passwordEnv: 'REPLICA_PASSWORD' });
    expect(doc.dataSources[0]).not.toHaveProperty('password');
  });

  it('gives the same file after an apply on a fresh store, and an empty plan there', async () => {
    const before = await eventCount(b);
    const r = await apply(b, exported);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().changes.map((c: { action: string; kind: string; name: string }) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'create dataSource replica', 'create contact Ann', 'create contact Ops rota', 'create kpi Deposits', 'create kpi Refunds',
    ]);
    expect(await eventCount(b)).toBe(before + 5);
    expect(await exportYaml(b)).toBe(exported);
    expect((await plan(b, exported)).json()).toMatchObject({ changes: [] });
    // Through the ordinary commands: the events rebuild exactly the rows apply wrote.
    expect((await replay(b.store.db)).differences).toEqual([]);
  });

  it('applies the same file a second time without a change or an event', async () => {
    const before = await eventCount(b);
    const again = await apply(b, exported);
    expect(again.statusCode).toBe(200);
    expect(again.json().changes).toEqual([]);
    expect(await eventCount(b)).toBe(before);
  });

  it('writes one event per change, all with the applying key as actor and one correlation id', async () => {
    const edited = exported.replace('frequencyMinutes: 15', 'frequencyMinutes: 30').replace('email: ann@example.com', 'email: ann@example.org');
    const r = await apply(b, edited);
    expect(r.statusCode, r.body).toBe(200);
    const correlationId = String(r.headers['x-correlation-id']);
    const { rows } = await b.store.db.query<{ type: string; actor: string }>(
      "SELECT type, metadata->>'actor' AS actor FROM events WHERE metadata->>'correlationId' = $1 ORDER BY position", [correlationId]);
    expect(rows).toEqual([{ type: 'ContactUpdated', actor: b.adminKeyId }, { type: 'KpiUpdated', actor: b.adminKeyId }]);
    // The audit trail shows the apply as that one correlation id.
    await settle(createAuditProjection(b.store.db));
    const trail = await b.inject({ method: 'POST', url: '/api/v1/audittrail/search', payload: { correlationId } });
    expect(trail.json().items.map((e: { actor: string }) => e.actor)).toEqual([b.adminKeyId, b.adminKeyId]);
    expect(trail.json().items.map((e: { entityType: string; changes: object }) => [e.entityType, Object.keys(e.changes)])).toEqual([
      ['kpi', ['frequencyMinutes']], ['contact', ['email']],
    ]);
    await apply(b, exported);
  });

  it('shows exactly the field edited in the file, with the line of its entry', async () => {
    const edited = exported.replace(/(indicator: Refunds[\s\S]*?cooldownMinutes: )30/, '$145');
    const r = await plan(b, edited);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().changes).toEqual([{ action: 'update', kind: 'kpi', name: 'Refunds', at: '/kpis/1', changes: { cooldownMinutes: { from: 30, to: 45 } } }]);
    expect(r.json().planId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('accepts the same file as JSON, and exports JSON on Accept: application/json', async () => {
    const r = await a.inject({ method: 'GET', url: '/api/v1/config', headers: { accept: 'application/json' } });
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.json()).toEqual(parse(exported));
    const planned = await b.inject({ method: 'POST', url: '/api/v1/config/plan', headers: { 'content-type': 'application/json' }, payload: r.body });
    expect(planned.statusCode, planned.body).toBe(200);
    expect(planned.json().changes).toEqual([]);
  });
});

describe('errors name the place', () => {
  const broken = [
    'version: 1', //                                   1
    'dataSources:', //                                 2
    '  - name: warehouse', //                          3
    '    kind: postgres', //                           4
    '    host: db.internal', //                        5
    '    database: dwh', //                            6
    '    user: monitor', //                            7
    '    port: "5432"', //                             8  wrong type
    'contacts:', //                                    9
    '  - name: Ann', //                               10
    '    email: not-an-email', //                     11  invalid email
    '  - name: Ann', //                               12  duplicate name
    '    email: ann@example.com', //                  13
    'kpis:', //                                       14
    '  - indicator: Orders', //                       15
    '    owner: shop', //                             16
    '    dataSource: nowhere', //                     17  unknown data source
    '    query: SELECT count(*) AS value FROM orders', //18
    '    colour: blue', //                            19  unknown field
    '',
  ].join('\n');

  it('reports all five problems with their lines and applies nothing', async () => {
    const before = await eventCount(a);
    const r = await apply(a, broken);
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problems = r.json().errors.map((e: { line: number; path: string }) => `${e.line} ${e.path}`);
    expect(problems).toEqual(['8 /dataSources/0/port', '11 /contacts/0/email', '12 /contacts/1/name', '17 /kpis/0/dataSource', '19 /kpis/0/colour']);
    expect(await eventCount(a)).toBe(before);
    expect((await plan(a, broken)).json().errors).toHaveLength(5);
  });

  it('tells a syntax error by its line', async () => {
    const r = await plan(a, 'version: 1\ncontacts:\n  - name: Ann\n    email: [unclosed\n');
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ line: expect.any(Number) });
    expect(r.json().errors[0].line).toBeGreaterThanOrEqual(4);
  });
});

describe('hostile files', () => {
  const refused = async (file: string, type = 'application/yaml') => {
    const before = await eventCount(a);
    const r = await a.inject({ method: 'POST', url: '/api/v1/config/apply', headers: { 'content-type': type }, payload: file });
    expect(r.statusCode, r.body).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await eventCount(a)).toBe(before);
    return r;
  };

  it('refuses a billion-laughs alias bomb at once', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const started = Date.now();
    const r = await refused(`${levels.join('\n')}\n`);
    expect(r.json().errors[0].message).toMatch(/alias/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses deep nesting, several documents, custom tags, duplicate keys and a list at the top', async () => {
    expect((await refused(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)).statusCode).toBe(400);
    expect((await refused('version: 1\n---\nversion: 1\n')).json().errors[0].line).toBe(2);
    expect((await refused('version: 1\ncontacts: !!js/function "function () {}"\n')).statusCode).toBe(400);
    expect((await refused('version: 1\nversion: 1\n')).json().errors[0]).toMatchObject({ line: 2 });
    expect((await refused('- version: 1\n')).json().errors[0]).toMatchObject({ path: '/' });
  });

  it('refuses wrong types and unknown sections in JSON, with lines', async () => {
    const r = await refused('{\n  "version": 1,\n  "kpis": {"indicator": "x"},\n  "silences": []\n}', 'application/json');
    expect(r.json().errors.map((e: { line: number; path: string }) => `${e.line} ${e.path}`)).toEqual(['3 /kpis', '4 /silences']);
  });

  it('refuses a file over the size limit with 413, and one with too many entries', async () => {
    expect((await refused(`version: 1\n# ${'x'.repeat(5 * 1_048_576)}\n`)).statusCode).toBe(413);
    const many = `version: 1\ncontacts:\n${Array.from({ length: 5_001 }, (_, i) => `  - {name: c${i}, email: c${i}@example.com}`).join('\n')}\n`;
    expect((await refused(many)).json().errors[0].message).toMatch(/at most 5000/);
  });

  it('never takes, nor repeats, a password written in the file', async () => {
    const file = 'version: 1\ndataSources:\n  - {name: leaky, kind: postgres, host: h, database: d, user: u, password: "hunter2-top-secret"}\n';
    const r = await refused(file);
    expect(r.json().errors[0]).toMatchObject({ path: '/dataSources/0/password', line: 3 });
    expect(r.body).not.toContain('hunter2');
  });
});

describe('secrets, prune, a stale plan, all or nothing, access', () => {
  it('keeps a stored password with `password: stored`, and drops it when the line goes', async () => {
    await post(a, '/datasources', { name: 'sealed', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'd', user: 'u', password: 'sealed-secret-value' });
    const file = await exportYaml(a);
    expect(file).toMatch(/name: sealed[\s\S]*?password: stored/);
    expect(file).not.toContain('sealed-secret-value');
    expect((await plan(a, file)).json().changes).toEqual([]);
    const hasPassword = async () => (await a.inject({ method: 'GET', url: '/api/v1/datasources' })).json().items.find((d: { name: string }) => d.name === 'sealed').hasPassword;
    expect((await apply(a, file)).json().changes).toEqual([]);
    expect(await hasPassword()).toBe(true);
    const without = file.replace(/(name: sealed[\s\S]*?)\n\s+password: stored/, '$1');
    const removal = [{ action: 'update', kind: 'dataSource', name: 'sealed', at: '/dataSources/1', changes: { password: { from: 'stored', to: null } } }];
    expect((await plan(a, without)).json().changes).toEqual(removal);
    expect((await apply(a, without)).json().changes).toEqual(removal);
    expect(await hasPassword()).toBe(false);
    // Where no password is stored, the marker is refused: the file cannot bring one.
    expect((await plan(a, file)).json().errors).toEqual([expect.objectContaining({ path: '/dataSources/1/password' })]);
    const elsewhere = await plan(b, file);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().errors).toEqual([expect.objectContaining({ path: '/dataSources/1/password', message: expect.stringMatching(/no password is stored/) })]);
  });

  it('deletes what the file does not name only with prune, KPIs before what they use', async () => {
    const t = await buildTestApp();
    try {
      const ds = await post(t, '/datasources', { name: 'old', kind: 'postgres', host: 'h', port: 1, database: 'd', user: 'u' });
      const bob = await post(t, '/contacts', { name: 'Bob', email: 'bob@example.com' });
      await post(t, '/kpis', { indicator: 'Old KPI', owner: 'x', dataSourceId: ds.id, contactIds: [bob.id], query: 'SELECT 1 AS value' });
      const file = 'version: 1\ncontacts:\n  - {name: Cy, email: cy@example.com}\n';
      expect((await plan(t, file)).json().changes.map((c: { action: string }) => c.action)).toEqual(['create']);
      const pruned = await apply(t, file, '?prune=true');
      expect(pruned.statusCode, pruned.body).toBe(200);
      expect(pruned.json().changes.map((c: { action: string; kind: string; name: string }) => `${c.action} ${c.kind} ${c.name}`))
        .toEqual(['create contact Cy', 'delete kpi Old KPI', 'delete contact Bob', 'delete dataSource old']);
      expect(await exportYaml(t)).toMatch(/dataSources: \[\]\ncontacts:\n {2}- name: Cy/);
    } finally {
      await t.close();
    }
  });

  it('refuses to apply a plan the store has moved away from (If-Match: planId)', async () => {
    const file = `${await exportYaml(a)}`.replace('email: ann@example.com', 'email: ann@example.net');
    const { planId } = (await plan(a, file)).json();
    const ann = (await a.inject({ method: 'GET', url: '/api/v1/contacts?q=Ann' })).json().items[0];
    await a.inject({ method: 'PATCH', url: `/api/v1/contacts/${ann.id}`, payload: { phone: '+4915100000000' } });
    const before = await eventCount(a);
    const r = await apply(a, file, '', { 'if-match': `"${planId}"` });
    expect(r.statusCode).toBe(409);
    expect(r.json().planId).not.toBe(planId);
    expect(await eventCount(a)).toBe(before);
    const fresh = (await plan(a, file)).json().planId;
    expect((await apply(a, file, '', { 'if-match': `"${fresh}"` })).statusCode).toBe(200);
  });

  it('applies nothing when a later change is refused, and names its line', async () => {
    const key = await givenKey(a, { scopes: ['config:write'] });
    const file = [
      'version: 1', 'dataSources:',
      '  - {name: first-new, kind: postgres, host: h, port: 1, database: d, user: u}',
      '  - {name: second-new, kind: postgres, host: h, port: 1, database: d, user: u, allowPrivilegedUser: true}', '',
    ].join('\n');
    const r = await a.inject({ method: 'POST', url: '/api/v1/config/apply', headers: { ...yaml, 'x-api-key': key.key }, payload: file });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ at: '/dataSources/1', line: 4 });
    expect((await a.inject({ method: 'GET', url: '/api/v1/datasources' })).json().items.map((d: { name: string }) => d.name)).not.toContain('first-new');
  });

  it('two applies at once of the same new contact: one creates it, the other finds it or is a 409, never a 500', async () => {
    const file = 'version: 1\ncontacts:\n  - {name: Zed, email: zed@example.com}\n';
    const results = await Promise.all([apply(a, file), apply(a, file), apply(a, file)]);
    expect(results.map((r) => r.statusCode).every((s) => s === 200 || s === 409)).toBe(true);
    expect(results.filter((r) => r.statusCode === 200 && r.json().changes.length === 1)).toHaveLength(1);
    expect((await a.inject({ method: 'GET', url: '/api/v1/contacts?q=Zed' })).json().items).toHaveLength(1);
    const again = await a.inject({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'Zed', email: 'other@example.com' } });
    expect(again.statusCode).toBe(409);
  });

  it('locates a refusal of the data source inspection at apply (plan does not connect), and applies nothing', async () => {
    const file = 'version: 1\ncontacts:\n  - {name: Early, email: early@example.com}\ndataSources:\n  - {name: outside, kind: sqlite, filePath: /etc/hostname}\n';
    expect((await plan(a, file)).statusCode).toBe(200);
    const r = await apply(a, file);
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([expect.objectContaining({ path: '/dataSources/0/filePath', line: 5 })]);
    expect((await a.inject({ method: 'GET', url: '/api/v1/contacts?q=Early' })).json().items).toEqual([]);
  });

  it('lets config:read export and plan but not apply; anonymous callers get 401; any key reads the schema', async () => {
    const reader = await givenKey(a, { scopes: ['config:read'] });
    const headers = { 'x-api-key': reader.key };
    expect((await a.inject({ method: 'GET', url: '/api/v1/config', headers })).statusCode).toBe(200);
    expect((await a.inject({ method: 'POST', url: '/api/v1/config/plan', headers: { ...yaml, ...headers }, payload: 'version: 1\n' })).statusCode).toBe(200);
    expect((await a.inject({ method: 'POST', url: '/api/v1/config/apply', headers: { ...yaml, ...headers }, payload: 'version: 1\n' })).statusCode).toBe(403);
    expect((await a.inject({ method: 'GET', url: '/api/v1/config', anonymous: true })).statusCode).toBe(401);
    const kpiOnly = await givenKey(a, { scopes: ['kpi:*'] });
    expect((await a.inject({ method: 'GET', url: '/api/v1/config', headers: { 'x-api-key': kpiOnly.key } })).statusCode).toBe(403);
    expect((await a.inject({ method: 'GET', url: '/api/v1/config/schema', anonymous: true })).statusCode).toBe(401);
    const schema = await a.inject({ method: 'GET', url: '/api/v1/config/schema', headers: { 'x-api-key': kpiOnly.key } });
    expect(schema.statusCode).toBe(200);
    expect(schema.json().properties.kpis.items.required).toEqual(['indicator', 'owner', 'dataSource', 'query']);
  });
});
