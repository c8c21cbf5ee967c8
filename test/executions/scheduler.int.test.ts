import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { buildTestApp, commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { startNode, type TestNode } from './nodes.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock('2026-03-02T09:00:30Z');
let store: TestStore;
let m: MonitoredDb;
let deps: CommandDeps;
let node: TestNode;
const ids: Record<string, string> = {};

const at = (hhmmss: string) => clock.set(`2026-03-02T${hhmmss}Z`);

async function history(kpiId: string) {
  const { rows } = await store.db.query<{ slot_at: Date; window_end: Date; status: string; node_id: string; error: string | null }>(
    "SELECT slot_at, window_end, status, node_id, error FROM executions WHERE kpi_id = $1 AND trigger = 'schedule' ORDER BY slot_at", [kpiId],
  );
  return rows.map((r) => ({ ...r, slot: new Date(r.slot_at).toISOString().slice(11, 19) }));
}

beforeAll(async () => {
  store = await createTestStore();
  m = await createPostgresSource();
  deps = commandDeps(store, clock);
  const good = await createDataSource(deps, { name: 'replica', ...(m.dataSource as object) }, meta);
  const down = await createDataSource(deps, { name: 'down', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'x' }, meta);
  const kpi = async (name: string, o: Record<string, unknown>) => (ids[name] = (await createKpi(deps, buildKpi({ dataSourceId: good.id, frequencyMinutes: 5, query: 'SELECT 1 AS value', ...o }), meta)).id);
  await kpi('every5', {});
  await kpi('cron', { frequencyMinutes: null, cron: '*/10 * * * *', timezone: 'Europe/Berlin' });
  await kpi('down', { dataSourceId: down.id });
  await kpi('hanging', { query: 'SELECT pg_sleep(30) AS value', timeoutSeconds: 1 });
  // Lease grace 4 s: the least a node may run with (SCHEDULER_LEASE_GRACE_SECONDS >= 2 × kill grace + 2).
  node = startNode(store.db, clock, { healthCheckIntervalMs: 1000, leaseGraceMs: 4000 });
}, 60_000);
afterAll(async () => {
  await node.close();
  await store.close();
  await m.close();
});

describe('one scheduler node', () => {
  it('runs each KPI at its slots, not before; a hanging query times out and frees the slot; a down source fails alone', async () => {
    expect(await node.drain()).toBe(0); // 09:00:30: the first slots are 09:05 and 09:10
    at('09:05:00.200');
    expect(await node.drain()).toBe(3);
    at('09:10:01');
    expect(await node.drain()).toBe(4);
    expect((await history(ids.every5!)).map((h) => [h.slot, h.status])).toEqual([['09:05:00', 'success'], ['09:10:00', 'success']]);
    expect((await history(ids.cron!)).map((h) => [h.slot, h.status])).toEqual([['09:10:00', 'success']]);
    expect((await history(ids.down!)).map((h) => h.status)).toEqual(['failed', 'failed']);
    expect((await history(ids.down!))[0]!.error).toContain('cannot connect');
    expect((await history(ids.hanging!)).map((h) => h.status)).toEqual(['timeout', 'timeout']);
    const { rows } = await store.db.query('SELECT kpi_id FROM kpi_runs WHERE running_slot IS NOT NULL');
    expect(rows).toEqual([]);
  });

  it('after downtime a missed KPI runs once, for its latest slot; slots come from the schedule, not the last finish', async () => {
    at('09:47:10');
    expect(await node.drain()).toBe(4);
    expect((await history(ids.every5!)).map((h) => h.slot)).toEqual(['09:05:00', '09:10:00', '09:45:00']);
    expect((await history(ids.cron!)).map((h) => h.slot)).toEqual(['09:10:00', '09:40:00']);
    for (const h of await history(ids.every5!)) expect(new Date(h.window_end).getTime()).toBe(new Date(h.slot_at).getTime());
    at('09:49:59');
    expect(await node.drain()).toBe(0);
    at('09:50:00');
    expect(await node.drain()).toBe(4);
  });

  it('an execution past its timeout plus the grace is marked stuck, cancelled on the server, and its lease released', async () => {
    const ds = (await deps.uow.read.kpis.get(ids.every5!))!.dataSourceId;
    const slow = (await createKpi(deps, buildKpi({ dataSourceId: ds, frequencyMinutes: 5, timeoutSeconds: 20, query: 'SELECT pg_sleep(4) AS value' }), meta)).id;
    await node.scheduler.tick(); // sync: first slot 09:55
    at('09:55:00');
    await node.scheduler.tick();
    // The health check runs on a tick; the query has not answered yet (pg_sleep(4)), but by the clock it is 25 s late.
    const started = node.scheduler.running().find((r) => r.kpiId === slow);
    expect(started).toBeDefined();
    clock.advance(25_000);
    await node.scheduler.tick();
    await node.scheduler.idle();
    const h = await history(slow);
    expect(h.map((x) => x.status), JSON.stringify(h)).toEqual(['stuck']);
    expect(h[0]!.error).toContain('cancelled');
    expect(await m.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(4)%' AND state = 'active' AND datname = current_database()")).toEqual([]);
    expect((await store.db.query('SELECT running_slot FROM kpi_runs WHERE kpi_id = $1', [slow])).rows).toEqual([{ running_slot: null }]);
  });

  it('the status API shows the node, its heartbeat and counters, and the next runs', async () => {
    const t = await buildTestApp({ clock, store, overrides: { scheduler: node.scheduler } });
    try {
      await node.scheduler.tick();
      const r = await t.inject({ method: 'GET', url: '/api/v1/scheduler/status' });
      expect(r.statusCode).toBe(200);
      const s = r.json();
      expect(s.nodes).toEqual([expect.objectContaining({ nodeId: node.scheduler.nodeId, alive: true })]);
      expect(s.thisNode.counters.recorded).toBeGreaterThanOrEqual(15);
      expect(s.nextRuns.map((n: { kpiId: string }) => n.kpiId)).toContain(ids.every5);
      expect(s.queue.due).toBe(0);
      const kpi = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${ids.every5}` })).json();
      expect(kpi).toMatchObject({ lastStatus: 'success', lastValue: 1, nextRunAt: '2026-03-02T10:00:00.000Z' });
    } finally {
      await t.close();
    }
  });

  it('the cleanup deletes history past the retention', async () => {
    const before = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM executions')).rows[0]!.n;
    expect(before).toBeGreaterThan(0);
    clock.advance(2 * 86_400_000);
    const later = startNode(store.db, clock, { retentionDays: 1 });
    try {
      await later.scheduler.tick();
      expect(later.scheduler.counters().cleanedUp).toBe(before);
    } finally {
      await later.close();
    }
  });
});
