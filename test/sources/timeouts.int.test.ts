// Issue 11: a run is over at its timeout plus the kill grace, whatever the query does; SQLite runs off
// the event loop and is interrupted at its timeout; /health/live answers in under 100 ms meanwhile.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createMysqlSource, createPostgresSource, createSqliteSource, type MonitoredDb } from '../helpers/monitored.ts';
import { storeKind } from '../helpers/store.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp;
let base: string;
const m: Partial<Record<'postgres' | 'mysql' | 'sqlite', MonitoredDb>> = {};
const dsIds: Record<string, string> = {};

/** Polls /health/live over real HTTP while `work` runs; the slowest answer in ms. */
async function slowestLiveWhile<T>(work: Promise<T>): Promise<{ result: T; slowestMs: number; samples: number }> {
  let done = false;
  let slowestMs = 0;
  let samples = 0;
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      const r = await fetch(`${base}/health/live`);
      await r.text();
      const took = performance.now() - started;
      if (process.env.MG_DEBUG_LIVE) console.log(`live ${samples} ${took.toFixed(1)}`);
      slowestMs = Math.max(slowestMs, took);
      samples++;
      await sleep(50);
    }
  })();
  const result = await work.finally(() => { done = true; });
  await poll;
  return { result, slowestMs, samples };
}

describe.runIf(storeKind() === 'postgres')('a query that does not stop by itself', () => {
  beforeAll(async () => {
    [m.postgres, m.mysql, m.sqlite] = await Promise.all([createPostgresSource(), createMysqlSource(), createSqliteSource()]);
    // Functions that catch the cancel and go on, as a hostile or careless author could write them.
    await m.postgres.query(`CREATE FUNCTION stubborn() RETURNS int LANGUAGE plpgsql AS $$
      BEGIN LOOP BEGIN PERFORM pg_sleep(0.2); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$`);
    await m.mysql.query(`CREATE PROCEDURE stubborn() SQL SECURITY INVOKER BEGIN
      DECLARE CONTINUE HANDLER FOR SQLEXCEPTION BEGIN END; LOOP DO SLEEP(0.2); END LOOP; END`);
    t = await buildTestApp({ overrides: { sourceOptions: { sqliteAllowedDirs: ['/tmp'], killGraceMs: 5_000 } } });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    await (await fetch(`${base}/health/live`)).text(); // the first request opens the connection and warms the route up
    for (const kind of ['postgres', 'mysql', 'sqlite'] as const) {
      dsIds[kind] = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: `hostile-${kind}`, ...m[kind]!.dataSource } })).json().id;
    }
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all(Object.values(m).map((x) => x.close()));
  });
  const tryKpi = (kind: string, query: string, timeoutSeconds: number) =>
    t.inject({ method: 'POST', url: '/api/v1/kpis/test', payload: buildKpi({ dataSourceId: dsIds[kind]!, query, timeoutSeconds }) });

  it('PostgreSQL: a function that catches the cancel is terminated; POST /kpis/test with timeoutSeconds 3 answers timeout within 13 s, and no backend runs it after', async () => {
    const started = Date.now();
    const { result, slowestMs, samples } = await slowestLiveWhile(tryKpi('postgres', 'SELECT stubborn() AS value', 3));
    const tookMs = Date.now() - started;
    expect(result.json()).toMatchObject({ status: 'timeout', error: expect.stringContaining('timeout of 3000 ms') });
    expect(tookMs).toBeGreaterThanOrEqual(3_000);
    expect(tookMs).toBeLessThan(13_000);
    await sleep(200);
    expect(await m.postgres!.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT stubborn()%' AND datname = current_database()")).toEqual([]);
    expect(samples).toBeGreaterThan(20);
    expect(slowestMs).toBeLessThan(100);
  }, 20_000);

  it('MariaDB: a procedure that ignores KILL QUERY gets KILL CONNECTION; answered within 13 s, gone from the process list', async () => {
    const started = Date.now();
    const { result, slowestMs } = await slowestLiveWhile(tryKpi('mysql', 'CALL stubborn()', 3));
    const tookMs = Date.now() - started;
    expect(result.json()).toMatchObject({ status: 'timeout' });
    expect(tookMs).toBeLessThan(13_000);
    await sleep(300);
    expect(await m.mysql!.query('SELECT id FROM information_schema.PROCESSLIST WHERE user = ?', [m.mysql!.user])).toEqual([]);
    expect(slowestMs).toBeLessThan(100);
  }, 20_000);

  it('SQLite: a runaway recursive CTE is interrupted at its timeout (2 s) and never blocks the event loop', async () => {
    const started = Date.now();
    const endless = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS value FROM c';
    const { result, slowestMs, samples } = await slowestLiveWhile(tryKpi('sqlite', endless, 2));
    const tookMs = Date.now() - started;
    expect(result.json()).toMatchObject({ status: 'timeout' });
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    expect(tookMs).toBeLessThan(3_000); // no kill grace is needed: the runner process is killed at the timeout
    expect(samples).toBeGreaterThan(15);
    expect(slowestMs).toBeLessThan(100);
    // The file is not held: a writer gets it at once.
    const w = new Database(String(m.sqlite!.dataSource.filePath), { timeout: 0 });
    w.exec("INSERT INTO account_transactions (type, done, updated_at, country, amount) VALUES ('deposit', 1, '2026-01-01 00:00:00', 'DE', 1)");
    w.close();
    expect((await tryKpi('sqlite', 'SELECT count(*) AS value FROM account_transactions', 5)).json()).toMatchObject({ status: 'success', series: [{ value: 1 }] });
  }, 20_000);
});
