// Issue 11: a scheduled query that ignores its cancel is over at timeout + kill grace and recorded
// `timeout`; with two nodes the slot never runs twice at the same time and is not taken over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { commandDeps } from '../helpers/app.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { startNode, type TestNode } from '../executions/nodes.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(storeKind() === 'postgres')('one slot, two nodes, a query that ignores its cancel', () => {
  let store: TestStore;
  let m: MonitoredDb;
  const nodes: TestNode[] = [];
  beforeAll(async () => {
    store = await createTestStore();
    m = await createPostgresSource();
    await m.query(`CREATE FUNCTION stubborn() RETURNS int LANGUAGE plpgsql AS $$
      BEGIN LOOP BEGIN PERFORM pg_sleep(0.2); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$`);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await store.close();
    await m.close();
  });

  it('runs on one node at a time, ends at timeout + kill grace, is recorded once as timeout, never taken over', async () => {
    const deps = commandDeps(store, systemClock);
    const ds = await createDataSource(deps, { name: 'replica', ...(m.dataSource as object) }, meta);
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id, frequencyMinutes: 60, timeoutSeconds: 2, query: 'SELECT stubborn() AS value' }), meta);
    // Lease grace 8 s: the nodes' kill grace is 2 s (a quarter); the lease lasts 10 s from the claim.
    nodes.push(...[0, 1].map(() => startNode(store.openAnother(4), systemClock, { leaseGraceMs: 8_000, healthCheckIntervalMs: 1_000 })));
    await Promise.all(nodes.map((n) => n.scheduler.tick()));
    await store.db.query("UPDATE kpi_runs SET next_run_at = now() - interval '1 second' WHERE kpi_id = $1", [kpi.id]);
    let running = true;
    const ticking = nodes.map(async (n) => { while (running) { await n.scheduler.tick(); await sleep(100); } });
    let most = 0;
    let seen = 0;
    const started = Date.now();
    for (let i = 0; i < 180; i++) { // 18 s: well past the lease, so a takeover would show
      const [row] = await m.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT stubborn()%' AND state = 'active'");
      most = Math.max(most, row!.n);
      if (row!.n > 0) seen = Date.now() - started;
      await sleep(100);
    }
    running = false;
    await Promise.all(ticking);
    await Promise.all(nodes.map((n) => n.scheduler.idle()));
    const runs = (await store.db.query<{ status: string; duration_ms: number; error: string }>("SELECT status, duration_ms, error FROM executions WHERE kpi_id = $1 AND trigger = 'schedule'", [kpi.id])).rows;
    expect(most).toBe(1);
    expect(seen).toBeLessThan(6_000); // 2 s timeout + 2 s kill grace, plus claim and polling
    expect(runs).toEqual([{ status: 'timeout', duration_ms: expect.any(Number), error: 'cancelled on the server after the timeout of 2000 ms' }]);
    expect(runs[0]!.duration_ms).toBeLessThan(2_000 + 2_000 + 1_000);
    expect(nodes.reduce((a, n) => a + n.scheduler.counters().tookOver, 0)).toBe(0);
    expect(nodes.reduce((a, n) => a + n.scheduler.counters().claimed, 0)).toBe(1);
  }, 40_000);
});
