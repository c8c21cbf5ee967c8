/**
 * The backtest of a 5-minute KPI over 30 days on PostgreSQL (a source table of per-minute orders):
 *  - a new KPI: every window, and the past weeks its baseline needs, run on the source;
 *  - the same KPI saved with 30 days (+ the 4 weeks before) of recorded history: nothing run on the source.
 * Prints the wall time, the source queries and the windows per second of each.
 *
 *   tsx bench/backtest.ts              # PostgreSQL server at TEST_PG_URL (default 127.0.0.1:5432)
 *   BACKTEST_BENCH_DAYS=7 tsx bench/backtest.ts
 */
import { buildTestApp, type TestApp } from '../test/helpers/app.ts';
import { testClock } from '../test/helpers/clock.ts';
import { createPostgresSource } from '../test/helpers/monitored.ts';
import { createTestStore } from '../test/helpers/store.ts';

const DAYS = Number(process.env.BACKTEST_BENCH_DAYS ?? 30);
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const END = Date.parse('2026-06-01T00:00:00Z');
const QUERY = 'SELECT coalesce(sum(n), 0) AS value FROM orders WHERE at > :windowStart AND at <= :windowEnd';

async function timed(t: TestApp, url: string, payload: object): Promise<{ seconds: number; body: Record<string, any> }> {
  const started = performance.now();
  let r = await t.inject({ method: 'POST', url, payload });
  if (r.statusCode >= 400) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
  let body = r.json().backtest ?? r.json();
  while (body.status === 'running') {
    await new Promise((res) => setTimeout(res, 200));
    r = await t.inject({ method: 'GET', url: body.location });
    body = r.json();
  }
  return { seconds: (performance.now() - started) / 1000, body };
}

async function main(): Promise<void> {
  const store = await createTestStore('postgres');
  const clock = testClock(new Date(END).toISOString());
  const t = await buildTestApp({ store, clock, overrides: { backtest: { limits: { maxSourceQueries: 1_000_000, maxMs: 3_600_000, maxPoints: 5_000_000 }, waitMs: 0 } } });
  const m = await createPostgresSource();
  try {
    const span = DAYS + 4 * 7 + 1;
    await m.query(`CREATE TABLE orders (at timestamptz PRIMARY KEY, n integer NOT NULL)`);
    await m.query(`INSERT INTO orders SELECT $1::timestamptz - g * interval '1 minute', 40 + (g * 7919) % 13 FROM generate_series(0, $2) g`, [new Date(END).toISOString(), span * 1440]);
    await m.query(`GRANT SELECT ON orders TO ${m.user}`);
    const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'replica', ...m.dataSource } })).json();
    const kpi = { indicator: 'Orders', owner: 'bench', dataSourceId: ds.id, frequencyMinutes: 5, query: QUERY };

    const fresh = await timed(t, '/api/v1/kpis/test', { ...kpi, days: DAYS });
    const w = fresh.body.windows;
    console.log(`new KPI, ${DAYS} days of 5-minute windows: ${fresh.seconds.toFixed(1)} s, ${fresh.body.sourceQueries} source queries, `
      + `${w.total} windows (${w.source} run on the source), ${fresh.body.counts.alerts} alerts, ${Math.round(fresh.body.sourceQueries / fresh.seconds)} queries/s`);

    const saved = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: { ...kpi, indicator: 'Orders saved', active: false } })).json();
    await store.db.query(
      `INSERT INTO executions (run_id, kpi_id, series_key, trigger, slot_at, window_start, window_end, started_at, finished_at, duration_ms, status, value, outcome, node_id)
       SELECT 'run_' || g, $1, '', 'schedule', e, e - interval '5 minutes', e, e, e, 3, 'success', 200 + (g * 31) % 60, 'ok', 'nod_bench'
         FROM generate_series(0, $3) g CROSS JOIN LATERAL (SELECT $2::timestamptz - g * interval '5 minutes' AS e) x`,
      [saved.id, new Date(END).toISOString(), span * 288],
    );
    await store.db.query('ANALYZE executions');
    const history = await timed(t, `/api/v1/kpis/${saved.id}/backtest`, { days: DAYS, sensitivity: 'high' });
    const h = history.body.windows;
    console.log(`saved KPI from its history (tried rule and saved rule): ${history.seconds.toFixed(1)} s, ${history.body.sourceQueries} source queries, `
      + `${h.total} windows (${h.history} from the history), ${history.body.progress.total} replayed with the warm-up, ${Math.round(history.body.progress.total / history.seconds)} windows/s`);
  } finally {
    await t.close();
    await m.close();
    await store.close();
  }
}

await main();
process.exit(0);
