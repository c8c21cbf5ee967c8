import { DEFAULT_ALERT_POLICY } from '../src/core/alerts/judgement.ts';
/**
 * N trivial KPIs (`SELECT 1 AS value`, every minute) on a PostgreSQL source, all due at one slot:
 * evaluations/s through the scheduler (claim, query, baseline look-up, judgement, history + run state
 * in one transaction) against the raw `pg` driver running the same query at the same concurrency, in
 * the same run; the scheduling lag (run start - slot; runs not spread, NO_SPREAD: the throughput case)
 * p50/p99; then three nodes on one store.
 * Needs the PostgreSQL server of the tests (TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSecretBox } from '../src/adapters/crypto/secret-box.ts';
import { createIdGenerator } from '../src/adapters/ids.ts';
import { createScheduler, type Scheduler } from '../src/adapters/scheduler/scheduler.ts';
import { NO_SPREAD } from '../src/core/kpis/spread.ts';
import { createSourceRegistry } from '../src/adapters/sources/source-registry.ts';
import type { Db } from '../src/adapters/storage/db.ts';
import { migrate } from '../src/adapters/storage/migrate.ts';
import { openPgDb } from '../src/adapters/storage/pg-db.ts';
import { createUnitOfWork } from '../src/adapters/storage/unit-of-work.ts';
import { createDataSource } from '../src/core/datasources/datasource-commands.ts';
import type { Clock } from '../src/core/ports.ts';
import { traceStore, type StoreTrace } from './store-trace.ts';
import { percentile, type Benchmark, type BenchRow } from './benchmark.ts';

const ADMIN = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_KPIS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 5);
const QUERY = 'SELECT 1 AS value';

const urlOf = (db: string, user?: string) => {
  const u = Object.assign(new URL(ADMIN), { pathname: `/${db}` });
  if (user !== undefined) Object.assign(u, { username: user, password: '' });
  return u.toString();
};

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(sql);
  await c.end();
}

/** The raw driver: the same query, N times, `concurrency` at a time. Evaluations per second. */
async function raw(url: string, concurrency: number, n: number, wrap: boolean): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < n) {
      if (!wrap) {
        await pool.query(QUERY);
        continue;
      }
      const c = await pool.connect();
      await c.query('BEGIN TRANSACTION READ ONLY');
      await c.query('SET LOCAL statement_timeout = 30000');
      await c.query(QUERY);
      await c.query('ROLLBACK');
      c.release();
    }
  }));
  const rate = n / ((performance.now() - started) / 1000);
  await pool.end();
  return rate;
}

/** Real time shifted so that the next slot starts right away: lags are measured against real slots. */
function shiftedClock(): { clock: Clock; slot: Date } {
  const now = Date.now();
  const slot = new Date((Math.floor(now / 60_000) + 5) * 60_000);
  const offset = slot.getTime() - now - 300;
  return { clock: { now: () => new Date(Date.now() + offset) }, slot };
}

async function throughScheduler(store: Db, nodes: number, concurrency: number, log: (m: string) => void, trace?: StoreTrace) {
  const { clock, slot } = shiftedClock();
  await store.query('DELETE FROM executions');
  await store.query('UPDATE kpi_runs SET next_run_at = $1, running_slot = NULL, lease_token = NULL, lease_until = NULL', [slot]);
  const pools: Db[] = [];
  const schedulers: Scheduler[] = [];
  const sources = [];
  for (let i = 0; i < nodes; i++) {
    const db = nodes === 1 ? (trace?.db ?? store) : openPgDb({ connectionString: (store as Db & { url?: string }).url ?? '', max: concurrency + 4 });
    if (nodes > 1) pools.push(db);
    const ids = createIdGenerator(clock);
    const registry = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined });
    sources.push(registry);
    schedulers.push(createScheduler({ db, exec: { uow: createUnitOfWork(db, clock), clock, ids, sources: registry, nodeId: ids.next('node'), alertPolicy: DEFAULT_ALERT_POLICY, listeners: [] } }, { maxParallel: concurrency, spread: NO_SPREAD }));
  }
  schedulers.forEach((s) => s.start());
  for (;;) {
    const { rows } = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM executions');
    if (rows[0]!.n >= N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(schedulers.map((s) => s.stop()));
  const roundTrips = trace === undefined ? NaN : trace.roundTrips() / N;
  if (trace !== undefined && process.env.BENCH_TRACE) log(`store round trips: ${roundTrips.toFixed(2)} per evaluation\n${trace.report()}`);
  await Promise.all([...sources.map((s) => s.close()), ...pools.map((p) => p.close())]);
  const { rows } = await store.query<{ lag: number; end_ms: number; status: string; node_id: string }>(
    "SELECT extract(epoch FROM started_at - slot_at) * 1000 AS lag, extract(epoch FROM finished_at - slot_at) * 1000 AS end_ms, status, node_id FROM executions WHERE trigger = 'schedule'",
  );
  const seconds = Math.max(...rows.map((r) => r.end_ms)) / 1000;
  const failed = rows.filter((r) => r.status !== 'success').length;
  const { rows: errors } = await store.query<{ error: string; n: number }>("SELECT error, count(*)::int AS n FROM executions WHERE status <> 'success' GROUP BY error ORDER BY n DESC LIMIT 3");
  for (const e of errors) log(`${e.n} runs failed: ${e.error}`);
  const lags = rows.map((r) => r.lag);
  const perNode = [...new Set(rows.map((r) => r.node_id))].map((id) => rows.filter((r) => r.node_id === id).length);
  log(`${nodes} node(s): ${rows.length} runs (${failed} not successful) in ${seconds.toFixed(2)} s; per node ${perNode.join('/')}`);
  return { rate: rows.length / seconds, p50: percentile(lags, 50), p99: percentile(lags, 99), failed, roundTrips };
}

const benchmark: Benchmark = {
  name: 'scheduler',
  description: `${N} trivial KPIs on a PostgreSQL source, MAX_PARALLEL_EXECUTIONS=${CONCURRENCY} per node`,
  async run(log) {
    const suffix = randomBytes(4).toString('hex');
    const storeName = `mg_bench_${suffix}`;
    const sourceName = `mg_bench_src_${suffix}`;
    await admin(`CREATE DATABASE ${storeName}`);
    await admin(`CREATE DATABASE ${sourceName}`);
    // The source is read as a plain read-only user, as a KPI data source must be (a superuser is refused).
    const reader = `mg_bench_reader_${suffix}`;
    await admin(`CREATE ROLE ${reader} LOGIN`);
    const store = Object.assign(openPgDb({ connectionString: urlOf(storeName), max: CONCURRENCY + 4 }), { url: urlOf(storeName) });
    try {
      await migrate(store);
      const clock: Clock = { now: () => new Date() };
      const ids = createIdGenerator(clock);
      const src = new URL(urlOf(sourceName));
      const ds = await createDataSource({ uow: createUnitOfWork(store, clock), clock, ids, secrets: createSecretBox(randomBytes(32)) },
        { name: 'bench', kind: 'postgres', host: src.hostname, port: Number(src.port || 5432), database: sourceName, user: reader, maxConnections: CONCURRENCY }, { actor: 'bench', correlationId: 'cor_bench' });
      await store.query(
        `INSERT INTO kpis SELECT 'kpi_bench' || lpad(i::text, 6, '0'), 'bench ' || i, 'bench', 2, 1, NULL, 'UTC', 1, 10, 'both', NULL, NULL, 'any', 4, 'mean',
                $1, $2, '', '', '{}', 30, 30, true, 1, now(), now() FROM generate_series(1, $3::int) AS i`, [ds.id, QUERY, N]);
      await store.query("INSERT INTO kpi_runs (kpi_id, kpi_version, schedule_signature) SELECT id, version, $1 FROM kpis", [JSON.stringify({ kind: 'interval', frequencyMinutes: 1 })]);
      log('warming up');
      await raw(urlOf(sourceName, reader), CONCURRENCY, 500, false);
      const rawRate = await raw(urlOf(sourceName, reader), CONCURRENCY, N, false);
      const rawTxRate = await raw(urlOf(sourceName, reader), CONCURRENCY, N, true);
      const one = await throughScheduler(store, 1, CONCURRENCY, log, traceStore(store));
      const rawRate3 = await raw(urlOf(sourceName, reader), CONCURRENCY * 3, N, false);
      const three = await throughScheduler(store, 3, CONCURRENCY, log);
      const rows: BenchRow[] = [
        { case: `1 node, ${N} KPIs`, measured: one.rate, unit: 'evals/s', baseline: rawRate, note: `raw pg: plain SELECT at concurrency ${CONCURRENCY}` },
        { case: '1 node vs raw read-only tx', measured: one.rate, unit: 'evals/s', baseline: rawTxRate, note: 'raw pg: BEGIN READ ONLY, SET, SELECT, ROLLBACK' },
        { case: '1 node', measured: one.rate * 60, unit: 'KPIs/min', note: 'goal >= 10,000' },
        { case: '1 node store round trips', measured: one.roundTrips, unit: 'per eval', baseline: 1, note: "the raw driver's one; BENCH_TRACE=1 shows them by statement" },
        { case: '1 node lag p50', measured: one.p50, unit: 'ms', note: 'run start - slot; all KPIs due at once' },
        { case: '1 node lag p99', measured: one.p99, unit: 'ms', note: 'goal <= 1,000' },
        { case: `3 nodes, ${N} KPIs`, measured: three.rate, unit: 'evals/s', baseline: rawRate3, note: `raw pg at concurrency ${CONCURRENCY * 3}; nodes in one process` },
        { case: '3 nodes lag p50', measured: three.p50, unit: 'ms' },
        { case: '3 nodes lag p99', measured: three.p99, unit: 'ms' },
      ];
      if (one.failed + three.failed > 0) log(`warning: ${one.failed + three.failed} runs did not succeed`);
      return rows;
    } finally {
      await store.close();
      await admin(`DROP DATABASE IF EXISTS ${storeName} WITH (FORCE)`);
      await admin(`DROP DATABASE IF EXISTS ${sourceName} WITH (FORCE)`);
      await admin(`DROP ROLE IF EXISTS mg_bench_reader_${suffix}`);
    }
  },
};

export default benchmark;
