import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, generateRows, type MonitoredDb } from '../helpers/monitored.ts';

// POST /kpis/test: the editor tries a definition before saving it.
let t: TestApp;
let m: MonitoredDb;
let dsId: string;

beforeAll(async () => {
  t = await buildTestApp();
  m = await createSqliteSource();
  await m.insert(generateRows(12, new Date(Date.now() - 3_600_000), 30));
  dsId = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'file', ...m.dataSource } })).json().id;
}, 60_000);
afterAll(async () => {
  await t.close();
  await m.close();
});

const test = (payload: unknown, query = '', headers?: Record<string, string>) =>
  t.inject({ method: 'POST', url: `/api/v1/kpis/test${query}`, payload: payload as object, ...(headers ? { headers } : {}) });

describe('POST /kpis/test', () => {
  it('runs an unsaved definition: value, outcome and the rendered alert, and saves nothing', async () => {
    const definition = buildKpi({ dataSourceId: dsId, indicator: 'Deposits tried', maxThreshold: 5, subjectTemplate: '{indicator} is {current}' });
    const r = await test(definition);
    expect(r.statusCode, r.body).toBe(200);
    const [count] = await m.query<{ n: number }>('SELECT count(*) AS n FROM account_transactions');
    expect(r.json()).toMatchObject({
      dryRun: true, status: 'success', series: [{ key: null, value: count!.n, outcome: { kind: 'breach', reasons: [{ rule: 'max_threshold', limit: 5 }] } }],
      messages: [{ key: null, subject: `Deposits tried is ${count!.n}` }],
    });
    expect(r.json().messages[0].body).toContain('Deposits tried');
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis?q=Deposits%20tried' })).json().items).toEqual([]);
  });

  it('reports a failing query as a failed run, not an error', async () => {
    const r = await test(buildKpi({ dataSourceId: dsId, query: 'SELECT value FROM nowhere' }));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'failed', error: expect.stringContaining('nowhere'), messages: [] });
  });

  it('validates as saving does: field errors by path', async () => {
    const r = await test(buildKpi({ dataSourceId: 'dsn_missing', cron: 'not a cron', frequencyMinutes: null }));
    expect(r.statusCode).toBe(400);
    expect(r.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/cron', '/dataSourceId']));
    const schema = await test({ indicator: 'x' });
    expect(schema.statusCode).toBe(400);
    expect(schema.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['/owner', '/query']));
  });

  it('with the id of a saved KPI, tests the edited definition of that KPI; an unknown id is a 404', async () => {
    const saved = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, query: 'SELECT 1 AS value' }) })).json();
    const r = await test({ ...buildKpi({ dataSourceId: dsId, indicator: saved.indicator }), query: 'SELECT 2 AS value' }, `?id=${saved.id}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ kpiId: saved.id, series: [{ value: 2 }] });
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${saved.id}` })).json().query).toBe('SELECT 1 AS value');
    expect((await test(buildKpi({ dataSourceId: dsId }), '?id=kpi_nope')).statusCode).toBe(404);
  });

  it('needs kpi:write: a reader may not run SQL of its own', async () => {
    expect((await t.inject({ method: 'POST', url: '/api/v1/kpis/test', payload: {}, anonymous: true })).statusCode).toBe(401);
    const key = (await t.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: 'reader', scopes: ['kpi:read', 'kpi:execute'] } })).json().key;
    expect((await test(buildKpi({ dataSourceId: dsId }), '', { 'x-api-key': key })).statusCode).toBe(403);
  });
});
