import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
// Issue 11: any run within MAX_SERIES is recorded (history INSERTs chunked under 65 535 parameters), and
// a slot that cannot be recorded for any reason is recorded as failed, counts toward "KPI failing", and
// is not retried for ever.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAlertSettings } from '../../src/adapters/delivery/alerting.ts';
import { alertOnExecutions } from '../../src/core/alerts/from-execution.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { startNode, type TestNode } from '../executions/nodes.ts';
import { registry } from './helpers.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock('2026-03-02T09:00:30Z');
const sources = registry();
let store: TestStore;
let m: MonitoredDb;
let deps: ExecutionDeps & CommandDeps;
let dsId: string;
let node: TestNode;

beforeAll(async () => {
  store = await createTestStore();
  m = await createPostgresSource();
  const base = commandDeps(store, clock);
  const settings = defaultAlertSettings();
  deps = { ...base, sources, nodeId: 'nod_test', alertPolicy: DEFAULT_ALERT_POLICY, maxSeries: 10_000, listeners: [alertOnExecutions({ clock: base.clock, ids: base.ids, settings })] };
  dsId = (await createDataSource(deps, { name: 'replica', ...(m.dataSource as object) }, meta)).id;
  node = startNode(store.db, clock);
}, 60_000);
afterAll(async () => {
  await node.close();
  await sources.close();
  await store.close();
  await m.close();
});

const rowsOf = async (kpiId: string) =>
  (await store.db.query<{ status: string; error: string | null; n: number }>(
    'SELECT status, error, count(*)::int AS n FROM executions WHERE kpi_id = $1 GROUP BY status, error ORDER BY status', [kpiId])).rows;
const keyed = (n: number) => `SELECT 'k' || i AS key, i AS value FROM generate_series(1, ${n}) i`;

describe('recording', () => {
  it('a run of 3 000 series (past the old single-INSERT limit of ~2 850) is recorded with alerting, every series', async () => {
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: keyed(3_000) }), meta);
    const e = await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect(e.result).toMatchObject({ status: 'success', rowsReturned: 3_000 });
    expect(await rowsOf(kpi.id)).toEqual([{ status: 'success', error: null, n: 3_000 }]);
  }, 120_000);

  it('a run at MAX_SERIES set to its maximum (10 000) is recorded; one series more fails naming MAX_SERIES', async () => {
    const big = { ...deps, listeners: [] };
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: keyed(10_000) }), meta);
    expect((await executeNow(big, kpi.id, { dryRun: false, actor: 'test' })).result.status).toBe('success');
    expect(await rowsOf(kpi.id)).toEqual([{ status: 'success', error: null, n: 10_000 }]);
    const over = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: keyed(1_001) }), meta);
    const failed = await executeNow({ ...deps, maxSeries: undefined }, over.id, { dryRun: true, actor: 'test' });
    expect(failed.result).toMatchObject({ status: 'failed', error: 'the result has 1001 series, more than the 1000 a run may have (MAX_SERIES)' });
  }, 180_000);

  it('a run the store refuses (a key too long for its index) is recorded as failed, saying why, and opens "KPI failing"', async () => {
    const long = randomBytes(4_000).toString('hex');
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: `SELECT '${long}' AS key, 1 AS value`, failingAfterFailures: 1 }), meta);
    const e = await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect(e.result).toMatchObject({ status: 'failed', error: expect.stringMatching(/^the run could not be recorded: index row .* exceeds/) });
    expect(await rowsOf(kpi.id)).toEqual([{ status: 'failed', error: e.result.error, n: 1 }]);
    const alerts = (await store.db.query<{ kind: string; status: string }>('SELECT kind, status FROM alerts WHERE kpi_id = $1', [kpi.id])).rows;
    expect(alerts).toEqual([{ kind: 'failing', status: 'open' }]);
  });

  it('scheduled, such a slot is recorded once as failed and its lease freed: not retried', async () => {
    const long = randomBytes(4_000).toString('hex');
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, frequencyMinutes: 5, query: `SELECT '${long}' AS key, 1 AS value` }), meta);
    await node.drain();
    clock.set('2026-03-02T09:05:01Z');
    expect(await node.drain()).toBeGreaterThan(0);
    expect(await node.drain()).toBe(0);
    const runs = (await store.db.query<{ status: string; slot_at: Date }>("SELECT status, slot_at FROM executions WHERE kpi_id = $1 AND trigger = 'schedule'", [kpi.id])).rows;
    expect(runs.map((r) => [r.status, new Date(r.slot_at).toISOString()])).toEqual([['failed', '2026-03-02T09:05:00.000Z']]);
    expect((await store.db.query('SELECT running_slot FROM kpi_runs WHERE kpi_id = $1', [kpi.id])).rows).toEqual([{ running_slot: null }]);
  });

  it('a slot whose lease expired three times without a record (its nodes died running it) is given up, recorded as failed', async () => {
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, frequencyMinutes: 60, query: 'SELECT 1 AS value' }), meta);
    await node.drain();
    await store.db.query(
      "UPDATE kpi_runs SET running_slot = '2026-03-02T09:00:00Z', lease_until = '2026-03-02T09:00:01Z', lease_owner = 'nod_dead', lease_token = 'exe_dead', attempt = 3 WHERE kpi_id = $1",
      [kpi.id],
    );
    await node.drain();
    const runs = (await store.db.query<{ status: string; error: string }>("SELECT status, error FROM executions WHERE kpi_id = $1 AND trigger = 'schedule'", [kpi.id])).rows;
    expect(runs).toEqual([{ status: 'failed', error: 'given up: the slot was started 3 times and never recorded (its node stopped while running it)' }]);
  });
});
