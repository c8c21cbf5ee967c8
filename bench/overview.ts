/**
 * The dashboard's grid in one request: GET /kpis/overview over 500 KPIs with a week of 5-minute runs
 * each (a fifth of them with 5 series: ~1.8 M history rows), p50/p95, against a baseline measured in the
 * same run: GET /kpis?limit=500 (the same KPIs without tiles). Goal: p95 <= 100 ms.
 *
 *   tsx bench/overview.ts              # PostgreSQL server at TEST_PG_URL (default 127.0.0.1:5432)
 *   OVERVIEW_BENCH_KPIS=100 tsx bench/overview.ts
 */
import { createDataSource } from '../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../src/core/kpis/kpi-commands.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { buildKpi } from '../test/helpers/factories.ts';
import { createTestStore } from '../test/helpers/store.ts';

const KPIS = Number(process.env.OVERVIEW_BENCH_KPIS ?? 500);
const RUNS = Number(process.env.OVERVIEW_BENCH_RUNS ?? 2016); // a week every 5 minutes
const ROUNDS = 30;
const meta = { actor: 'bench', correlationId: 'cor_bench' };
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const store = await createTestStore('postgres');
  const t = await buildTestApp({ store });
  try {
    const started = performance.now();
    const ds = await createDataSource(t.deps, { name: 'replica', kind: 'sqlite', filePath: '/dev/null' }, meta);
    const ids: string[] = [];
    for (let i = 0; i < KPIS; i++) ids.push((await createKpi(t.deps, buildKpi({ dataSourceId: ds.id, indicator: `KPI ${i}` }), meta)).id);
    // Every fifth KPI reports five series (keys k0..k4), the others one; run r starts r*5 minutes before now, a few ms apart per KPI as a scheduler starts them.
    await store.db.query(
      `INSERT INTO executions (run_id, kpi_id, series_key, trigger, slot_at, window_start, window_end, started_at, finished_at,
                               duration_ms, status, value, baseline, deviation_percent, outcome, node_id)
       SELECT 'run_' || k.n || '_' || r, k.id, CASE WHEN k.n % 5 = 0 THEN 'k' || s ELSE '' END, 'schedule', t, t - interval '5 minutes', t, t, t,
              12, 'success', 100 + (r % 17), 100, (r % 17), 'ok', 'nod_bench'
         FROM unnest($1::text[]) WITH ORDINALITY AS k(id, n)
        CROSS JOIN generate_series(0, $2 - 1) AS r
        CROSS JOIN LATERAL (SELECT now() - r * interval '5 minutes' - k.n * interval '7 ms' AS t) w
        CROSS JOIN generate_series(0, 4) AS s
        WHERE k.n % 5 = 0 OR s = 0`,
      [ids, RUNS],
    );
    // The run state the scheduler keeps: when each KPI last ran.
    await store.db.query(`INSERT INTO kpi_runs (kpi_id, last_run_at, last_status) SELECT kpi_id, max(started_at), 'success' FROM executions GROUP BY kpi_id
      ON CONFLICT (kpi_id) DO UPDATE SET last_run_at = excluded.last_run_at, last_status = excluded.last_status`);
    await store.db.query('ANALYZE executions');
    const { rows: [count] } = await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM executions');
    console.log(`${KPIS} KPIs, ${count!.n.toLocaleString('en')} history rows, set up in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const time = async (url: string): Promise<number[]> => {
      const first = await t.inject({ method: 'GET', url });
      if (first.statusCode !== 200) throw new Error(`${url}: ${first.statusCode} ${first.body}`);
      const ms: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const s = performance.now();
        await t.inject({ method: 'GET', url });
        ms.push(performance.now() - s);
      }
      return ms.sort((a, b) => a - b);
    };
    const base = await time('/api/v1/kpis?limit=500');
    const overview = await time('/api/v1/kpis/overview');
    const sample = (await t.inject({ method: 'GET', url: '/api/v1/kpis/overview' })).json().items as { sparkline: unknown[] }[];
    if (sample.some((k) => k.sparkline.length !== 30)) throw new Error('a tile without its 30 sparkline points: the bench measures nothing');
    const row = (name: string, ms: number[]) =>
      console.log(`${name.padEnd(32)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(ms, 95).toFixed(1).padStart(7)} ms  x${(percentile(ms, 50) / percentile(base, 50)).toFixed(1)}`);
    row('baseline: GET /kpis?limit=500', base);
    row('GET /kpis/overview', overview);
    console.log(`goal p95 <= 100 ms: ${percentile(overview, 95) <= 100 ? 'met' : 'NOT met'} (${ROUNDS} rounds, in process, app.inject)`);
  } finally {
    await t.close();
    await store.close();
  }
}

await main();
