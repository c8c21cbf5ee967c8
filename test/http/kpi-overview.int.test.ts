import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { defaultAlertSettings } from '../../src/adapters/delivery/alerting.ts';
import { createSourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { alertOnExecutions } from '../../src/core/alerts/from-execution.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

// GET /kpis/overview: the grid's tiles. One app records runs without alerting (a breach stays a breach),
// a second on the same store alerts on them (a breach opens an alert).
const clock = testClock();
const sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
let store: TestStore;
let t: TestApp;
let alerting: TestApp;
let m: MonitoredDb;
let dsId: string;

beforeAll(async () => {
  store = await createTestStore();
  m = await createSqliteSource();
  t = await buildTestApp({ store, clock });
  const listeners = [alertOnExecutions({ clock, ids: t.deps.ids, settings: defaultAlertSettings() })];
  alerting = await buildTestApp({ store, clock, overrides: { execution: { ...t.deps, sources, nodeId: 'nod_test', alertPolicy: DEFAULT_ALERT_POLICY, listeners } } });
  dsId = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'file', ...m.dataSource } })).json().id;
}, 60_000);
afterAll(async () => {
  await alerting.close();
  await t.close();
  await sources.close();
  await store.close();
  await m.close();
});

async function kpi(o: Record<string, unknown>, runs = 0, app = t): Promise<string> {
  const r = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, ...o }) });
  expect(r.statusCode, r.body).toBe(201);
  for (let i = 0; i < runs; i++) {
    clock.advance(60_000);
    expect((await app.inject({ method: 'POST', url: `/api/v1/kpis/${r.json().id}/execute` })).statusCode).toBe(200);
  }
  return r.json().id;
}

const tiles = async (query = '') => {
  const r = await t.inject({ method: 'GET', url: `/api/v1/kpis/overview${query}` });
  expect(r.statusCode, r.body).toBe(200);
  return new Map<string, Record<string, unknown>>(r.json().items.map((i: { id: string }) => [i.id, i]));
};

describe('GET /kpis/overview', () => {
  it('gives each KPI its status, headline values, next run and sparkline', async () => {
    const fresh = await kpi({});
    const ok = await kpi({ query: 'SELECT 42 AS value', maxThreshold: 100 }, 3);
    const breaching = await kpi({ query: 'SELECT 7 AS value', maxThreshold: 5 }, 1);
    const failing = await kpi({ query: 'SELECT nope FROM nowhere' }, 1);
    const alerted = await kpi({ query: 'SELECT 9 AS value', maxThreshold: 5, cooldownMinutes: 0, pendingExecutions: 1 }, 1, alerting);
    const inactive = await kpi({ query: 'SELECT 1 AS value', active: false });
    const all = await tiles();
    expect(all.get(fresh)).toMatchObject({ status: 'no_history', lastValue: null, sparkline: [], openAlerts: 0 });
    expect(all.get(ok)).toMatchObject({ status: 'ok', lastValue: 42, lastStatus: 'success', outcome: 'no_judgement' });
    expect((all.get(ok)!.sparkline as { value: number }[]).map((p) => p.value)).toEqual([42, 42, 42]);
    expect(all.get(ok)).toHaveProperty('nextRunAt'); // set by the scheduler, which this app does not run
    expect(all.get(breaching)).toMatchObject({ status: 'breaching', lastValue: 7, outcome: 'breach', openAlerts: 0 });
    expect(all.get(failing)).toMatchObject({ status: 'failing', lastStatus: 'failed', lastError: expect.stringMatching(/nowhere|nope/) });
    expect(all.get(alerted)).toMatchObject({ status: 'alerting', lastValue: 9, openAlerts: 1 });
    expect(all.get(inactive)).toMatchObject({ status: 'inactive', active: false });
  });

  it('limits the sparkline to the points asked for, and refuses a bad count', async () => {
    const id = await kpi({ query: 'SELECT 3 AS value' }, 4);
    expect((await tiles('?points=2')).get(id)!.sparkline).toHaveLength(2);
    const bad = await t.inject({ method: 'GET', url: '/api/v1/kpis/overview?points=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('querystring:/points');
  });

  it('draws the sparkline of a KPI with many series from its headline series\' own history', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `SELECT 'k${String(i).padStart(2, '0')}' AS key, ${i} AS value`).join(' UNION ALL ');
    const id = await kpi({ query: keys }, 3);
    expect((await tiles('?points=3')).get(id)).toMatchObject({ key: 'k00', lastValue: 0, sparkline: [{ value: 0 }, { value: 0 }, { value: 0 }] });
  });

  it('needs kpi:read', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis/overview', anonymous: true })).statusCode).toBe(401);
    const key = (await t.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: 'contacts only', scopes: ['contacts:read'] } })).json().key;
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis/overview', headers: { 'x-api-key': key } })).statusCode).toBe(403);
  });
});
