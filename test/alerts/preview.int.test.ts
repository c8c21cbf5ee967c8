import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { givenKey } from '../helpers/auth.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, type MonitoredDb } from '../helpers/monitored.ts';

/** POST /kpis/{id}/preview: the message for a given value, or for the KPI's last real execution. */
const clock = testClock('2026-03-02T09:00:30Z');
let t: TestApp;
let m: MonitoredDb;
let dataSourceId: string;

beforeAll(async () => {
  t = await buildTestApp({ clock });
  m = await createSqliteSource();
  dataSourceId = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'shop file', ...m.dataSource } })).json().id;
});
afterAll(async () => {
  await t.close();
  await m.close();
});

const createKpi = async (indicator: string, query: string) => {
  const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ indicator, dataSourceId, query, priority: 2, deviationPercent: 20 }) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
};
const execute = async (id: string) => {
  const res = await t.inject({ method: 'POST', url: `/api/v1/kpis/${id}/execute` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ runId: string; windowEnd: string }>();
};
const preview = (id: string, payload?: object, headers?: Record<string, string>) =>
  t.inject({ method: 'POST', url: `/api/v1/kpis/${id}/preview`, ...(payload ? { payload } : {}), ...(headers ? { headers } : {}) });

describe('preview of the last execution', () => {
  it('given no execution yet and no value, then a 409 problem says there is nothing to preview', async () => {
    const id = await createKpi('Preview nothing yet', 'SELECT 5 AS value');
    const res = await preview(id);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'conflict', detail: expect.stringContaining('nothing to preview') });
    await t.inject({ method: 'POST', url: `/api/v1/kpis/${id}/execute?dryRun=true` });
    expect((await preview(id)).statusCode).toBe(409); // a dry run records nothing
    expect((await preview(id, { value: null })).statusCode).toBe(409); // null is "no value", not 0
  });

  it('given a real run, then with no body it renders the breaching series of that run, at its time', async () => {
    const id = await createKpi('Preview deposits', "SELECT 'FR' AS key, 95 AS value, 100 AS historical UNION ALL SELECT 'DE', 40, 100");
    const run = await execute(id);
    clock.advance(10 * 60_000); // the preview is later than the run: its timestamp is the run's
    const res = await preview(id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      subject: '[critical] Preview deposits DE: 40 vs baseline 100 (-60.0%)',
      body: expect.stringContaining(`At ${run.windowEnd}.`),
      sms: '[critical] Preview deposits DE: 40 vs baseline 100 (-60.0%)',
      severity: 'critical',
      execution: { runId: run.runId, slot: run.windowEnd, key: 'DE' },
    });
    const fr = (await preview(id, { key: 'FR' })).json();
    expect(fr).toMatchObject({ subject: '[low] Preview deposits FR: 95 vs baseline 100 (-5.0%)', execution: { key: 'FR' } });
    const unknown = await preview(id, { key: 'IT' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors).toEqual([{ path: '/key', message: `the last execution (${run.runId}) has no series "IT"; it has "FR", "DE"` }]);
  });

  it('given a single-value KPI, then the last run renders without a key', async () => {
    const id = await createKpi('Preview single', 'SELECT 28 AS value, 140 AS historical');
    await execute(id);
    expect((await preview(id, {})).json()).toMatchObject({ subject: '[critical] Preview single: 28 vs baseline 140 (-80.0%)', execution: { key: null } });
  });

  it('given a value, then it still renders that value, not the last run; a baseline without a value is refused', async () => {
    const id = await createKpi('Preview by hand', 'SELECT 28 AS value, 140 AS historical');
    await execute(id);
    const res = await preview(id, { value: 70, baseline: 100, key: 'DE' });
    expect(res.json()).toMatchObject({ subject: '[high] Preview by hand DE: 70 vs baseline 100 (-30.0%)', severity: 'high', execution: null });
    const zero = await preview(id, { value: 0, baseline: 100 });
    expect(zero.json()).toMatchObject({ subject: '[critical] Preview by hand: 0 vs baseline 100 (-100.0%)' });
    const baselineOnly = await preview(id, { baseline: 100 });
    expect(baselineOnly.statusCode).toBe(400);
    expect(baselineOnly.json().errors[0].path).toBe('/value');
  });

  it('answers 404 for an unknown KPI, with or without a value', async () => {
    expect((await preview('kpi_nope')).statusCode).toBe(404);
    expect((await preview('kpi_nope', { value: 1 })).statusCode).toBe(404);
  });

  it('needs kpi:read: anonymous is 401, alerts:read alone is 403, kpi:read is enough', async () => {
    const id = await createKpi('Preview access', 'SELECT 1 AS value');
    await execute(id);
    expect((await t.inject({ method: 'POST', url: `/api/v1/kpis/${id}/preview`, anonymous: true })).statusCode).toBe(401);
    const alertsOnly = await givenKey(t, { scopes: ['alerts:read'] });
    expect((await preview(id, undefined, { 'x-api-key': alertsOnly.key })).statusCode).toBe(403);
    const reader = await givenKey(t, { scopes: ['kpi:read'] });
    expect((await preview(id, undefined, { 'x-api-key': reader.key })).statusCode).toBe(200);
  });
});
