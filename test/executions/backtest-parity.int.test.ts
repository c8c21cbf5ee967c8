import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { runBacktest } from '../../src/core/backtest/run-backtest.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { playLive } from '../helpers/play-live.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

/**
 * The backtest and the scheduler judge through the same code: the same values played live (the real
 * scheduler, a real PostgreSQL source, the alert listener, a moved clock) and through the backtest give
 * the same baselines, bands, outcomes and alerts, run by run.
 */
const START = Date.parse('2026-03-02T00:00:00Z');
const STEP = 5 * 60_000;
const SLOTS = 2 * 288;
const INCIDENT = { from: START + 288 * STEP + 150 * STEP, until: START + 288 * STEP + 162 * STEP };
const value = (i: number): number => {
  const t = START + i * STEP;
  const hour = (t % 86_400_000) / 3_600_000;
  const base = 100 + 60 * Math.sin((2 * Math.PI * hour) / 24) + ((i * 37) % 11) - 5;
  return t >= INCIDENT.from && t < INCIDENT.until ? Math.round(base * 4) : Math.round(base);
};

const clock = testClock(new Date(START - 60_000).toISOString());
let store: TestStore;
let m: MonitoredDb;
let kpiId: string;

beforeAll(async () => {
  store = await createTestStore();
  m = await createPostgresSource();
  await m.query('CREATE TABLE kpi_values (at timestamptz PRIMARY KEY, v double precision NOT NULL)');
  await m.query('INSERT INTO kpi_values SELECT * FROM unnest($1::timestamptz[], $2::float8[])', [
    Array.from({ length: SLOTS }, (_, i) => new Date(START + i * STEP).toISOString()), Array.from({ length: SLOTS }, (_, i) => value(i)),
  ]);
  const deps = commandDeps(store, clock);
  const meta = { actor: 'test', correlationId: 'cor_test' };
  const ds = await createDataSource(deps, { name: 'replica', ...(m.dataSource as object) }, meta);
  kpiId = (await createKpi(deps, {
    indicator: 'Parity', owner: 'o', dataSourceId: ds.id, frequencyMinutes: 5, cooldownMinutes: 0,
    query: 'SELECT v AS value FROM kpi_values WHERE at > :windowStart AND at <= :windowEnd',
  }, meta)).id;
  await playLive(store.db, clock, { first: START, stepMs: STEP, slots: SLOTS });
}, 300_000);
afterAll(async () => {
  await store.close();
  await m.close();
});

describe('the backtest and the scheduler', () => {
  it('judge the same values the same way, run by run, and open and resolve the same alerts', async () => {
    const { rows } = await store.db.query<{ slot_at: Date; value: number; baseline: number | null; band_low: number | null; band_high: number | null; outcome: string; anomalous: boolean }>(
      "SELECT slot_at, value, baseline, band_low, band_high, outcome, anomalous FROM executions WHERE kpi_id = $1 AND trigger = 'schedule' ORDER BY slot_at", [kpiId]);
    expect(rows).toHaveLength(SLOTS);
    const kpi = (await store.db.query('SELECT * FROM kpis WHERE id = $1', [kpiId])).rows[0];
    const { toKpi } = await import('../../src/adapters/storage/kpis.repo.ts');
    const backtest = runBacktest(rows.map((r, i) => ({ line: i + 2, timestamp: new Date(r.slot_at).toISOString(), at: new Date(r.slot_at), value: r.value })), toKpi(kpi as never), DEFAULT_ALERT_POLICY);
    const live = rows.map((r) => [new Date(r.slot_at).toISOString(), r.outcome, r.baseline, r.band_low, r.band_high, r.anomalous]);
    const played = backtest.points.map((p) => [p.row.at.toISOString(), p.series.outcome.kind, p.series.baseline, p.series.band?.low ?? null, p.series.band?.high ?? null, p.series.anomalous]);
    expect(played).toEqual(live);

    const alerts = await store.db.query<{ opened: Date; resolved: Date | null }>(
      `SELECT (SELECT slot_at FROM executions e WHERE e.run_id = a.execution_id LIMIT 1) AS opened, a.resolved_at AS resolved FROM alerts a WHERE kpi_id = $1 AND kind = 'breach' ORDER BY opened_at`, [kpiId]);
    expect(alerts.rows.map((a) => new Date(a.opened).toISOString())).toEqual(backtest.alerts.map((a) => a.openedAt.toISOString()));
    expect(backtest.alerts.length).toBeGreaterThanOrEqual(1);
    expect(backtest.alerts.some((a) => a.openedAt.getTime() >= INCIDENT.from && a.openedAt.getTime() < INCIDENT.from + 3 * STEP)).toBe(true);
    // Resolved on the same run (live resolution is stamped one second after the slot).
    expect(alerts.rows.map((a) => (a.resolved === null ? null : new Date(new Date(a.resolved).getTime() - 1000).toISOString())))
      .toEqual(backtest.alerts.map((a) => a.resolvedAt?.toISOString() ?? null));
  });
});
