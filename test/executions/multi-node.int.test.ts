import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { syncSchedules } from '../../src/adapters/storage/kpi-runs.repo.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { startNode, type TestNode } from './nodes.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };

describe.runIf(storeKind() === 'postgres')('several scheduler nodes on one PostgreSQL server', () => {
  let store: TestStore;
  let m: MonitoredDb;
  let deps: CommandDeps;
  let dsId: string;
  const nodes: TestNode[] = [];

  beforeAll(async () => {
    store = await createTestStore();
    m = await createPostgresSource();
    deps = commandDeps(store);
    dsId = (await createDataSource(deps, { name: 'replica', maxConnections: 10, ...(m.dataSource as object) }, meta)).id;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await store.close();
    await m.close();
  });

  const scheduled = async (where = 'true') =>
    (await store.db.query<{ kpi_id: string; slot_at: Date; n: number; nodes: string[] }>(
      `SELECT kpi_id, slot_at, count(*)::int AS n, array_agg(node_id) AS nodes FROM executions WHERE trigger = 'schedule' AND ${where} GROUP BY kpi_id, slot_at`,
    )).rows;

  it('three nodes and 200 due KPIs: each slot runs exactly once, at most MAX_PARALLEL_EXECUTIONS at a time per node', async () => {
    const clock = testClock('2026-03-02T09:00:30Z');
    const created = [];
    for (let i = 0; i < 200; i++) created.push((await createKpi({ ...deps, clock }, buildKpi({ dataSourceId: dsId, frequencyMinutes: 1, query: 'SELECT 1 AS value' }), meta)).id);
    const three = [0, 1, 2].map(() => startNode(store.openAnother(6), clock, { maxParallel: 5 }));
    nodes.push(...three);
    await Promise.all(three.map((n) => n.drain()));
    for (const slot of ['09:01:00.100', '09:02:00.050', '09:05:30']) {
      clock.set(`2026-03-02T${slot}Z`);
      await Promise.all(three.map((n) => n.drain()));
    }
    const runs = await scheduled(`kpi_id = ANY ('{${created.join(',')}}')`);
    expect(runs).toHaveLength(600);
    expect(runs.filter((r) => r.n !== 1)).toEqual([]);
    expect(new Set(runs.map((r) => new Date(r.slot_at).toISOString().slice(11, 16)))).toEqual(new Set(['09:01', '09:02', '09:05']));
    const claimed = three.map((n) => n.scheduler.counters().claimed);
    expect(claimed.reduce((a, b) => a + b)).toBe(600);
    for (const n of three) expect(n.scheduler.counters().peakRunning).toBeLessThanOrEqual(5);
    expect(claimed.every((c) => c > 0)).toBe(true);
    await Promise.all(three.map((n) => n.close()));
    await store.db.query('UPDATE kpis SET active = false');
  });

  it('a node killed mid-execution: its lease expires and another node runs the slot, once', async () => {
    const clock = testClock(new Date());
    const kpi = (await createKpi({ ...deps, clock }, buildKpi({ dataSourceId: dsId, frequencyMinutes: 60, timeoutSeconds: 5, query: 'SELECT pg_sleep(1.5) AS value' }), meta)).id;
    const survivor = startNode(store.openAnother(4), clock, { leaseGraceMs: 1000 });
    nodes.push(survivor);
    await survivor.scheduler.tick(); // schedules the KPI (next slot: the next full hour)
    await store.db.query("UPDATE kpi_runs SET next_run_at = now() - interval '1 second' WHERE kpi_id = $1", [kpi]);

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/executions/node-process.ts', store.url!, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 300 && !out.includes(`claimed ${kpi}`); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await once(child, 'exit');
    const dead = out.split(' ')[2]?.trim();
    const [lease] = (await store.db.query<{ lease_owner: string; lease_until: Date; running_slot: Date }>('SELECT lease_owner, lease_until, running_slot FROM kpi_runs WHERE kpi_id = $1', [kpi])).rows;
    expect(lease!.lease_owner).toBe(dead);

    clock.set(new Date(new Date(lease!.lease_until).getTime() - 1000));
    expect(await survivor.scheduler.tick()).toBe(0); // the lease still holds
    clock.set(new Date(new Date(lease!.lease_until).getTime() + 1));
    expect(await survivor.scheduler.tick()).toBe(1);
    await survivor.scheduler.idle();
    const runs = await scheduled(`kpi_id = '${kpi}'`);
    expect(runs).toEqual([expect.objectContaining({ n: 1, nodes: [survivor.scheduler.nodeId] })]);
    expect(new Date(runs[0]!.slot_at)).toEqual(new Date(lease!.running_slot));
    expect(survivor.scheduler.counters().tookOver).toBe(1);
  });

  it('three node processes, one killed in the middle of its batch: every slot is recorded exactly once, none lost', async () => {
    const kpis: string[] = [];
    for (let i = 0; i < 120; i++) {
      kpis.push((await createKpi(deps, buildKpi({ dataSourceId: dsId, frequencyMinutes: 60, timeoutSeconds: 2, query: 'SELECT pg_sleep(0.05) AS value' }), meta)).id);
    }
    await syncSchedules(store.db, new Date());
    await store.db.query("UPDATE kpi_runs SET next_run_at = now() - interval '1 second' WHERE kpi_id = ANY ($1::text[])", [kpis]);
    const children = [0, 1, 2].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/executions/node-process.ts', store.url!, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const seen = { out: '' };
      child.stdout.on('data', (d: Buffer) => (seen.out += d.toString()));
      return { child, seen };
    });
    try {
      const victim = children[0]!;
      for (let i = 0; i < 400 && victim.seen.out.split('\n').length < 8; i++) await new Promise((r) => setTimeout(r, 25));
      victim.child.kill('SIGKILL');
      await once(victim.child, 'exit');
      const done = async () => (await scheduled(`kpi_id = ANY ('{${kpis.join(',')}}')`)).length;
      for (let i = 0; i < 300 && (await done()) < kpis.length; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      for (const c of children) c.child.kill('SIGKILL');
    }
    const runs = await scheduled(`kpi_id = ANY ('{${kpis.join(',')}}')`);
    expect(runs).toHaveLength(kpis.length);
    expect(runs.filter((r) => r.n !== 1)).toEqual([]);
    const { rows: tookOver } = await store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM kpi_runs WHERE kpi_id = ANY ($1::text[]) AND attempt > 1", [kpis]);
    expect(tookOver[0]!.n).toBeGreaterThan(0); // the victim held leases when it died
    await store.db.query('UPDATE kpis SET active = false WHERE id = ANY ($1::text[])', [kpis]);
  }, 60_000);

  it('a node that stops hands its running executions back at once; another node runs them', async () => {
    const clock = testClock(new Date());
    const kpi = (await createKpi({ ...deps, clock }, buildKpi({ dataSourceId: dsId, frequencyMinutes: 60, timeoutSeconds: 20, query: 'SELECT pg_sleep(10) AS value' }), meta)).id;
    const leaving = startNode(store.openAnother(4), clock);
    const staying = startNode(store.openAnother(4), clock);
    nodes.push(staying);
    await leaving.scheduler.tick();
    await store.db.query("UPDATE kpi_runs SET next_run_at = now() - interval '1 second' WHERE kpi_id = $1", [kpi]);
    clock.set(new Date());
    expect(await leaving.scheduler.tick()).toBe(1);
    await leaving.close(); // drain 0 ms: cancels the query and expires the lease
    expect(await scheduled(`kpi_id = '${kpi}'`)).toEqual([]);
    await store.db.query('UPDATE kpis SET query = $2 WHERE id = $1', [kpi, 'SELECT 2 AS value']);
    expect(await staying.scheduler.tick()).toBe(1);
    await staying.scheduler.idle();
    expect(await scheduled(`kpi_id = '${kpi}'`)).toEqual([expect.objectContaining({ n: 1, nodes: [staying.scheduler.nodeId] })]);
    expect(await m.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(10)%' AND state = 'active' AND datname = current_database()")).toEqual([]);
  });
});
