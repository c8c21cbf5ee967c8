import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createPostgresSource, type MonitoredDb, type TxRow } from '../helpers/monitored.ts';

const NOW = new Date('2026-03-02T09:00:00Z'); // a Monday
const WEEK = 7 * 86_400_000;
const clock = testClock(NOW);
let t: TestApp;
let m: MonitoredDb;
let dsId: string;

/** `n` deposits inside the hour before `end`. */
const depositsBefore = (end: Date, n: number): TxRow[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'deposit', done: true, updatedAt: new Date(end.getTime() - 3_590_000 + i * 1000), country: i % 2 ? 'DE' : 'FR', amount: 10 }));

const WINDOWED = "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd";

async function post(url: string) {
  return t.inject({ method: 'POST', url });
}

async function createKpi(o: Record<string, unknown>): Promise<string> {
  const r = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, frequencyMinutes: 60, lastMinutes: 60, ...o }) });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

/** The same number by hand: the count of deposits in one past window, straight from the source. */
async function countByHand(end: Date): Promise<number> {
  const [r] = await m.query<{ n: number }>("SELECT count(*)::int AS n FROM account_transactions WHERE type = 'deposit' AND updated_at >= $1 AND updated_at < $2", [new Date(end.getTime() - 3_600_000), end]);
  return r!.n;
}

beforeAll(async () => {
  t = await buildTestApp({ clock });
  m = await createPostgresSource();
  // Five weeks of history plus now: 110, 120, 130, 140, 150 deposits in the same hour of past Mondays; 60 now.
  const rows = [depositsBefore(NOW, 60), ...[1, 2, 3, 4, 5].map((w) => depositsBefore(new Date(NOW.getTime() - w * WEEK), 100 + 10 * w))].flat();
  await m.insert(rows);
  const ds = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'replica', ...m.dataSource } });
  dsId = ds.json().id;
}, 60_000);
afterAll(async () => {
  await t.close();
  await m.close();
});

describe('POST /kpis/{id}/execute', () => {
  it('dry run: backfills the missing past windows, judges, and records nothing', async () => {
    const id = await createKpi({ query: WINDOWED, sensitivity: null, deviationPercent: 20, direction: 'drop' });
    const r = await post(`/api/v1/kpis/${id}/execute?dryRun=true`);
    expect(r.statusCode, r.body).toBe(200);
    const expectedBaseline = (await Promise.all([1, 2, 3, 4].map((w) => countByHand(new Date(NOW.getTime() - w * WEEK))))).reduce((a, b) => a + b) / 4;
    expect(expectedBaseline).toBe(125);
    const body = r.json();
    // The same time on the last 6 days (no deposits then: 0) and in the last 4 weeks: the weekly season wins.
    expect(body).toMatchObject({ dryRun: true, status: 'success', backfilled: 10, series: [{ key: null, value: 60, baseline: expectedBaseline, baselineWindows: 4 }] });
    expect(body.series[0].basis).toMatchObject({ source: 'history', seasonality: 'weekly', levelPoints: 0 });
    expect(body.series[0].band).toEqual({ low: 100, high: null });
    expect(body.series[0].deviationPercent).toBeCloseTo(((60 - 125) / 125) * 100, 10);
    expect(body.series[0].outcome).toMatchObject({ kind: 'breach', reasons: [{ rule: 'deviation', direction: 'drop', limit: 20 }] });
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions` })).json().items).toEqual([]);
  });

  it('a real run records the backfill and the run, the breach event, and the read model; the next run reuses the history', async () => {
    const id = await createKpi({ query: WINDOWED, sensitivity: null, deviationPercent: 20, baselineAggregate: 'median' });
    expect((await post(`/api/v1/kpis/${id}/execute`)).json()).toMatchObject({ backfilled: 10, series: [{ baseline: 125, outcome: { kind: 'breach' }, incident: null }] });
    clock.advance(1_000);
    const again = (await post(`/api/v1/kpis/${id}/execute`)).json();
    // The breach stays out of the level: the baseline is still the weeks' 125. A second breach in a row opens the incident.
    expect(again).toMatchObject({ backfilled: 0, series: [{ value: 60, baseline: 125, baselineWindows: 4, incident: 'opened' }] });
    const history = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions?limit=100` })).json().items;
    expect(history.map((h: { trigger: string }) => h.trigger)).toEqual(['manual', 'manual', ...new Array(10).fill('backfill')]);
    expect(history[0]).toMatchObject({ anomalous: true, band: { low: 100, high: 150 } });
    expect(history.filter((h: { trigger: string; value: number }) => h.trigger === 'backfill' && h.value > 0).map((h: { value: number }) => h.value)).toEqual([110, 120, 130, 140].reverse());
    const events = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${id}` })).json();
    const types = (events.items ?? events.events ?? events).map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'KpiBreachBegan')).toHaveLength(1);
    const kpi = await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}` });
    expect(kpi.json()).toMatchObject({ lastStatus: 'success', lastValue: 60, lastRunAt: clock.now().toISOString() });
    expect(kpi.headers.etag).toBe(`"${kpi.json().version}"`);
    clock.advance(-1_000);
  });

  it('without window parameters there is no backfill: insufficient history until past runs exist', async () => {
    const id = await createKpi({ query: "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND :forLastMinutes > 0", sensitivity: null, deviationPercent: 10 });
    // Runs in three past weeks, a few seconds off the hour (within the tolerance): the first two have no
    // past at that time; the third has two weeks, which make a weekly season.
    for (const w of [3, 2, 1]) {
      clock.set(new Date(NOW.getTime() - w * WEEK + 5_000));
      const outcome = w === 1 ? { kind: 'ok' } : { kind: 'no_judgement', reason: 'insufficient_history' };
      expect((await post(`/api/v1/kpis/${id}/execute`)).json()).toMatchObject({ backfilled: 0, series: [{ outcome }] });
    }
    clock.set(NOW);
    const r = (await post(`/api/v1/kpis/${id}/execute`)).json();
    expect(r).toMatchObject({ backfilled: 0, series: [{ baselineWindows: 3, outcome: { kind: 'ok' } }] });
    expect(r.series[0].baseline).toBe(r.series[0].value); // the table did not change between the runs
  });

  it('a wrong result shape is a failed run naming the columns; fixing the query is a recovery', async () => {
    const id = await createKpi({ query: 'SELECT 1 AS total, 2 AS n' });
    const failed = (await post(`/api/v1/kpis/${id}/execute`)).json();
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('found columns: total, n') });
    const kpi = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}` })).json();
    expect((await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${id}`, headers: { 'if-match': `"${kpi.version}"` }, payload: { query: 'SELECT 1 AS value' } })).statusCode).toBe(200);
    expect((await post(`/api/v1/kpis/${id}/execute`)).json()).toMatchObject({ status: 'success' });
    const events = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${id}` })).json();
    const types = (events.items ?? events.events ?? events).map((e: { type: string }) => e.type);
    expect(types).toEqual(['KpiCreated', 'KpiExecutionFailed', 'KpiUpdated', 'KpiExecutionRecovered']);
  });

  it('a result whose judgement overflows a number is a failed run: no Infinity reaches the history or an event', async () => {
    const id = await createKpi({ query: 'SELECT 1e308::float8 AS value, -1e308::float8 AS historical' });
    const r = (await post(`/api/v1/kpis/${id}/execute`)).json();
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('not a finite number') });
    const { rows } = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM executions WHERE kpi_id = $1 AND 'Infinity'::float8 IN (abs(value), abs(baseline), abs(deviation_percent))`, [id],
    );
    expect(rows[0]!.n).toBe(0);
    const events = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${id}` })).json();
    expect((events.items ?? events.events ?? events).map((e: { type: string }) => e.type)).toEqual(['KpiCreated', 'KpiExecutionFailed']);
  });

  it('answers 404 for an unknown KPI and 400 for a bad dryRun', async () => {
    const r = await post('/api/v1/kpis/kpi_nope/execute');
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const id = await createKpi({ query: 'SELECT 1 AS value' });
    expect((await post(`/api/v1/kpis/${id}/execute?dryRun=maybe`)).statusCode).toBe(400);
  });
});

describe('history and statistics', () => {
  it('pages the history with a cursor and filters by time', async () => {
    const id = await createKpi({ query: 'SELECT 7 AS value' });
    for (let i = 0; i < 3; i++) await post(`/api/v1/kpis/${id}/execute`);
    const first = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions?limit=2` })).json();
    expect(first.items).toHaveLength(2);
    const second = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second).toMatchObject({ items: [{ value: 7 }], nextCursor: null });
    const later = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions?from=${new Date(NOW.getTime() + 1000).toISOString()}` })).json();
    expect(later.items).toEqual([]);
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions?cursor=bogus` })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis/kpi_nope/executions' })).statusCode).toBe(404);
  });

  it('statistics per KPI: runs, success rate, durations, last error', async () => {
    const ok = await createKpi({ query: 'SELECT 1 AS value' });
    const bad = await createKpi({ query: 'SELECT 1 AS nothing' });
    await post(`/api/v1/kpis/${ok}/execute`);
    await post(`/api/v1/kpis/${bad}/execute`);
    const stats = (await t.inject({ method: 'GET', url: '/api/v1/executions/statistics' })).json();
    expect(stats.items.find((s: { kpiId: string }) => s.kpiId === ok)).toMatchObject({ runs: 1, successRate: 100, lastError: null });
    expect(stats.items.find((s: { kpiId: string }) => s.kpiId === bad)).toMatchObject({ runs: 1, successRate: 0, lastError: expect.stringContaining('nothing') });
    expect((await t.inject({ method: 'GET', url: '/api/v1/executions/statistics?from=2026-03-03T00:00:00Z&to=2026-03-01T00:00:00Z' })).statusCode).toBe(400);
  });
});

describe('POST /datasources/{id}/test', () => {
  it('reports the version and latency, a down source as not ok, an unknown one as 404', async () => {
    expect((await post(`/api/v1/datasources/${dsId}/test`)).json()).toMatchObject({ ok: true, version: expect.stringContaining('PostgreSQL') });
    const down = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'down', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'x' } });
    expect((await post(`/api/v1/datasources/${down.json().id}/test`)).json()).toMatchObject({ ok: false, error: expect.any(String) });
    expect((await post('/api/v1/datasources/dsn_nope/test')).statusCode).toBe(404);
  });
});
