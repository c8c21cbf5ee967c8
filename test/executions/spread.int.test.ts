import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { DEFAULT_SPREAD, plannedStart } from '../../src/core/kpis/spread.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { startNode, type TestNode } from './nodes.ts';

// Runs spread inside their period (core/kpis/spread.ts) with the default every node runs with.
const meta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock('2026-03-02T09:00:30Z');
let store: TestStore;
let m: MonitoredDb;
let deps: CommandDeps;
let node: TestNode;
const kpiIds: string[] = [];
const every5 = { kind: 'interval', frequencyMinutes: 5 } as const;
const planned = (id: string, slot: string) => plannedStart(every5, id, new Date(`2026-03-02T${slot}Z`), DEFAULT_SPREAD);

beforeAll(async () => {
  store = await createTestStore();
  m = await createPostgresSource();
  deps = commandDeps(store, clock);
  const ds = await createDataSource(deps, { name: 'replica', ...(m.dataSource as object) }, meta);
  // lastMinutes 5: the window is the five minutes before the slot.
  for (let i = 0; i < 6; i++) kpiIds.push((await createKpi(deps, buildKpi({ dataSourceId: ds.id, frequencyMinutes: 5, lastMinutes: 5, query: 'SELECT 1 AS value' }), meta)).id);
  node = startNode(store.db, clock, { spread: DEFAULT_SPREAD });
}, 60_000);
afterAll(async () => {
  await node.close();
  await store.close();
  await m.close();
});

describe('runs spread inside their period', () => {
  it('each KPI runs at its slot plus its offset, not before; its window still ends at its slot; the next run shown is the planned start', async () => {
    expect(await node.drain()).toBe(0); // 09:00:30: syncs the schedules; the first slot is 09:05
    const starts = kpiIds.map((id) => planned(id, '09:05:00')).sort((a, b) => a.getTime() - b.getTime());
    expect(new Set(starts.map((s) => s.getTime())).size).toBe(kpiIds.length); // six KPIs, six starts
    expect(starts.every((s) => s.getTime() - Date.parse('2026-03-02T09:05:00Z') < 60_000)).toBe(true);
    const { rows: next } = await store.db.query<{ kpi_id: string; next_run_at: Date }>('SELECT kpi_id, next_run_at FROM kpi_runs');
    for (const r of next) expect(new Date(r.next_run_at)).toEqual(planned(r.kpi_id, '09:05:00'));
    // Step from start to start: each step runs exactly the KPIs whose start has come.
    let ran = 0;
    for (const s of starts) {
      clock.set(new Date(s.getTime() - 1));
      expect(await node.drain()).toBe(0);
      clock.set(s);
      ran += await node.drain();
      expect(ran).toBe(starts.filter((x) => x <= s).length);
    }
    const { rows } = await store.db.query<{ kpi_id: string; slot_at: Date; window_start: Date; window_end: Date; started_at: Date }>(
      "SELECT kpi_id, slot_at, window_start, window_end, started_at FROM executions WHERE trigger = 'schedule'",
    );
    expect(rows).toHaveLength(kpiIds.length);
    for (const r of rows) {
      expect(new Date(r.slot_at)).toEqual(new Date('2026-03-02T09:05:00Z'));
      expect(new Date(r.window_end)).toEqual(new Date('2026-03-02T09:05:00Z'));
      expect(new Date(r.window_start)).toEqual(new Date('2026-03-02T09:00:00Z'));
      expect(new Date(r.started_at)).toEqual(planned(r.kpi_id, '09:05:00'));
    }
    const { rows: after } = await store.db.query<{ kpi_id: string; next_run_at: Date }>('SELECT kpi_id, next_run_at FROM kpi_runs');
    for (const r of after) expect(new Date(r.next_run_at)).toEqual(planned(r.kpi_id, '09:10:00'));
  });

  it('a node back after downtime runs each KPI once, for its latest started slot', async () => {
    clock.set('2026-03-02T09:30:00Z'); // 09:25's runs have all started by 09:26; 09:30's none
    expect(await node.drain()).toBe(kpiIds.length);
    const { rows } = await store.db.query<{ slot_at: Date }>("SELECT DISTINCT slot_at FROM executions WHERE trigger = 'schedule' AND slot_at > '2026-03-02T09:05:00Z'");
    expect(rows.map((r) => new Date(r.slot_at).toISOString())).toEqual(['2026-03-02T09:25:00.000Z']);
  });
});
