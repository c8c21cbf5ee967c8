/**
 * Scale-out as separate processes (issue 15): SCALE_KPIS trivial KPIs (default 3,000) all due at once,
 * run by 1 and then by SCALE_NODES (default 3) `monitoring-grid start --role scheduler` processes on
 * one PostgreSQL. Prints evaluations/s beside the raw `pg` driver at the same total concurrency (same
 * run), the 3-process rate beside the 1-process one, slots run more than once (goal 0), and the CPU
 * per evaluation of the nodes and of the PostgreSQL server (store and source are both on this machine):
 * where the limit is, and how far a bigger store goes. `npx tsx bench/scale-out.ts`.
 */
import pg from 'pg';
import { cpuSeconds, postgresCpuSeconds, scratch, seededStore, startService, table, urlOf, type ServiceProcess } from './processes.ts';

const N = Number(process.env.SCALE_KPIS ?? 3000);
const NODES = Number(process.env.SCALE_NODES ?? 3);
const PARALLEL = Number(process.env.BENCH_CONCURRENCY ?? 5);
const QUERY = 'SELECT 1 AS value';
const log = (m: string) => process.stderr.write(`  ${m}\n`);

async function raw(url: string, concurrency: number, n: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) await pool.query(QUERY);
  }));
  const rate = n / ((performance.now() - started) / 1000);
  await pool.end();
  return rate;
}

const db = await scratch();
const { store, dataSourceId, secretsKey } = await seededStore(db, PARALLEL * NODES);
try {
  await store.query(
    `INSERT INTO kpis SELECT 'kpi_scale' || lpad(i::text, 6, '0'), 'scale ' || i, 'bench', 2, 60, NULL, 'UTC', 60, 10, 'both', NULL, NULL, 'any', 4, 'mean',
            $1, $2, '', '', '{}', 30, 30, true, 1, now(), now() FROM generate_series(1, $3::int) AS i`, [dataSourceId, QUERY, N]);
  await store.query('UPDATE kpis SET schedule_dirty = false');
  await store.query("INSERT INTO kpi_runs (kpi_id, kpi_version, schedule_signature, next_run_at) SELECT id, version, $1, now() + interval '1 day' FROM kpis", [JSON.stringify({ kind: 'interval', frequencyMinutes: 60 })]);

  const phase = async (nodes: number) => {
    await store.query('DELETE FROM executions');
    await store.query("UPDATE kpi_runs SET next_run_at = now() + interval '1 day', running_slot = NULL, lease_token = NULL, lease_until = NULL, last_run_at = NULL");
    const env = { DATABASE_URL: urlOf(db.store), DEMO: 'false', SECRETS_KEY: secretsKey, MAX_PARALLEL_EXECUTIONS: String(PARALLEL), SCHEDULER_POLL_MS: '200' };
    const procs: ServiceProcess[] = await Promise.all(Array.from({ length: nodes }, () => startService(env, 'scheduler')));
    try {
      const nodeCpu0 = procs.reduce((s, p) => s + cpuSeconds(p.child.pid!), 0);
      const pgCpu0 = postgresCpuSeconds();
      await store.query('UPDATE kpi_runs SET next_run_at = now()');
      for (;;) {
        const { rows } = await store.query<{ n: number }>("SELECT count(DISTINCT kpi_id)::int AS n FROM executions WHERE trigger = 'schedule'");
        if (rows[0]!.n >= N) break;
        if (procs.some((p) => p.child.exitCode !== null)) throw new Error(`a node exited:\n${procs.map((p) => p.output()).join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const nodeCpu = procs.reduce((s, p) => s + cpuSeconds(p.child.pid!), 0) - nodeCpu0;
      const pgCpu = postgresCpuSeconds() - pgCpu0;
      const { rows } = await store.query<{ runs: number; seconds: number; twice: number; nodes: number }>(
        `SELECT count(*)::int AS runs, extract(epoch FROM max(finished_at) - min(started_at)) AS seconds, count(DISTINCT node_id)::int AS nodes,
                (SELECT count(*)::int FROM (SELECT 1 FROM executions WHERE trigger = 'schedule' GROUP BY kpi_id, slot_at HAVING count(DISTINCT run_id) > 1) d) AS twice
           FROM executions WHERE trigger = 'schedule'`,
      );
      const r = rows[0]!;
      log(`${nodes} process(es): ${r.runs} runs by ${r.nodes} node(s) in ${Number(r.seconds).toFixed(2)} s; node CPU ${nodeCpu.toFixed(1)} s, PostgreSQL CPU ${pgCpu.toFixed(1)} s`);
      return { rate: r.runs / Number(r.seconds), twice: r.twice, nodeMs: (nodeCpu * 1000) / r.runs, pgMs: (pgCpu * 1000) / r.runs };
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
  };

  log('raw driver baselines');
  const rawUrl = urlOf(db.source, db.reader);
  await raw(rawUrl, PARALLEL, 500);
  const raw1 = await raw(rawUrl, PARALLEL, N);
  const one = await phase(1);
  const rawN = await raw(rawUrl, PARALLEL * NODES, N);
  const many = await phase(NODES);
  process.stdout.write(`\n${table([
    { case: `1 process, ${N} KPIs`, measured: one.rate, unit: 'evals/s', baseline: raw1, note: `raw pg SELECT at concurrency ${PARALLEL}` },
    { case: `${NODES} processes`, measured: many.rate, unit: 'evals/s', baseline: rawN, note: `raw pg SELECT at concurrency ${PARALLEL * NODES}` },
    { case: `${NODES} processes vs 1`, measured: many.rate, unit: 'evals/s', baseline: one.rate, note: 'goal >= 1.5' },
    { case: 'slots run twice', measured: one.twice + many.twice, unit: 'slots', note: 'goal 0' },
    { case: 'node CPU per evaluation, 1 process', measured: one.nodeMs, unit: 'ms' },
    { case: `node CPU per evaluation, ${NODES} processes`, measured: many.nodeMs, unit: 'ms' },
    { case: 'PostgreSQL CPU per evaluation, 1 process', measured: one.pgMs, unit: 'ms', note: 'store + source server, all backends on this machine' },
    { case: `PostgreSQL CPU per evaluation, ${NODES} processes`, measured: many.pgMs, unit: 'ms', note: '1000 / this = evals/s one core of the server carries' },
  ])}\n`);
} finally {
  await store.close();
  await db.drop();
}
