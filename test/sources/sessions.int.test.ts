// Issue 11: nothing survives a run on its connection, and a lost connection is an error of that run,
// never of the process (vitest fails a file on any unhandled error, so every test here also says that).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { openPgDb } from '../../src/adapters/storage/pg-db.ts';
import { createMysqlSource, createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { storeKind, TEST_PG_ADMIN_URL } from '../helpers/store.ts';
import { dataSourceOf, params, registry } from './helpers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(storeKind() === 'postgres')('PostgreSQL sessions', () => {
  let m: MonitoredDb;
  let sources: SourceRegistry;
  // One connection: every run reuses the session of the one before.
  const ds = () => dataSourceOf(m, { id: 'dsn_pg_sessions', maxConnections: 1 });
  const run = (sql: string, timeoutMs = 5_000) => sources.run(ds(), sql, params, timeoutMs);
  beforeAll(async () => {
    m = await createPostgresSource();
    sources = registry({ killGraceMs: 1_000 });
    // SECURITY INVOKER wrappers, as a DBA might have left them: the statement check cannot see through them.
    await m.query(`CREATE FUNCTION end_me() RETURNS int LANGUAGE sql AS 'SELECT CASE WHEN pg_terminate_backend(pg_backend_pid()) THEN 1 ELSE 0 END'`);
  });
  afterAll(async () => {
    await sources.close();
    await m.close();
  });
  const pid = async () => { const r = await run('SELECT pg_backend_pid() AS value'); return r.ok ? r.rows[0]!.value : null; };

  it('an advisory lock is gone after the run, on the same connection, also after a timeout', async () => {
    const before = await pid();
    expect(await run('SELECT pg_advisory_lock(4711)::text AS k, 1 AS value')).toMatchObject({ ok: true });
    expect(await run("SELECT count(*)::int AS value FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")).toMatchObject({ ok: true, rows: [{ value: 0 }] });
    const [free] = await m.query<{ got: boolean }>('SELECT pg_try_advisory_lock(4711) AS got');
    expect(free!.got).toBe(true);
    await m.query('SELECT pg_advisory_unlock(4711)');
    expect(await run('SELECT pg_advisory_lock(4712), pg_sleep(10) AS value', 500)).toMatchObject({ ok: false, status: 'timeout' });
    const [again] = await m.query<{ got: boolean }>('SELECT pg_try_advisory_lock(4712) AS got');
    expect(again!.got).toBe(true);
    await m.query('SELECT pg_advisory_unlock(4712)');
    expect(await pid()).toBe(before); // reset, not replaced
  });

  it('a result cut at MAX_RESULT_ROWS, a failed query and a session setting leave nothing open on the connection; the next run is clean', async () => {
    // set_config is refused by the statement check; a wrapper it cannot see through sets the session's path.
    await m.query("CREATE FUNCTION lost_path() RETURNS int LANGUAGE sql AS $$ SELECT length(set_config('search_path', 'nowhere', false)) - 6 $$");
    const cut = registry({ killGraceMs: 1_000, maxResultRows: 5 });
    const small = dataSourceOf(m, { id: 'dsn_pg_sessions_cut', maxConnections: 1 });
    const runCut = (sql: string) => cut.run(small, sql, params, 5_000);
    try {
      const first = await runCut('SELECT pg_backend_pid() AS value');
      expect(await runCut('SELECT g AS value FROM generate_series(1, 100000) AS g')).toMatchObject({ ok: false, error: expect.stringContaining('MAX_RESULT_ROWS') });
      expect(await runCut('SELECT value FROM no_such_table')).toMatchObject({ ok: false, status: 'failed' });
      expect(await runCut('SELECT lost_path() AS value')).toMatchObject({ ok: true, rows: [{ value: 1 }] });
      // The same session: no portal or cursor left open but this run's own, the setting back to its default.
      expect(await runCut("SELECT (SELECT count(*) FROM pg_cursors WHERE name <> '')::int AS value, current_setting('search_path') AS path, pg_backend_pid() AS pid"))
        .toMatchObject({ ok: true, rows: [{ value: 0, path: '"$user", public', pid: first.ok ? first.rows[0]!.value : -1 }] });
    } finally {
      await cut.close();
    }
  });

  it("the issue's probe as written is refused at run; through a function the check cannot see, it fails that run only; the next run works", async () => {
    expect(await run('SELECT pg_terminate_backend(pg_backend_pid()) AS value')).toMatchObject({ ok: false, error: expect.stringContaining('the function pg_terminate_backend is refused') });
    expect(await run('SELECT end_me() AS value')).toMatchObject({ ok: false, status: 'failed', error: expect.stringMatching(/terminat|connection/i) });
    expect(await run('SELECT 1 AS value')).toMatchObject({ ok: true, rows: [{ value: 1 }] });
  });

  it('a backend killed by a DBA mid-query, or while idle in the pool, fails one run at most', async () => {
    const running = run('SELECT pg_sleep(5) AS value');
    await sleep(400);
    await m.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND application_name = 'monitoring-grid-kpi'`, [m.user]);
    expect(await running).toMatchObject({ ok: false, status: 'failed' });
    expect(await run('SELECT 1 AS value')).toMatchObject({ ok: true });
    await m.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND application_name = 'monitoring-grid-kpi'`, [m.user]);
    await sleep(200);
    expect(await run('SELECT 2 AS value')).toMatchObject({ ok: true, rows: [{ value: 2 }] });
  });

  it("the store's transaction whose backend is killed fails; the process and the pool go on", async () => {
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${String(m.dataSource.database)}`;
    const db = openPgDb({ connectionString: url.toString(), max: 2, applicationName: 'mg-store-probe' });
    try {
      const tx = db.transaction(async (q) => {
        await q.query('SELECT 1');
        await sleep(600); // killed while checked out and idle: the 'error' event comes with no query running
        return q.query('SELECT 2');
      });
      await sleep(200);
      await m.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'mg-store-probe'");
      await expect(tx).rejects.toThrow();
      expect((await db.query<{ v: number }>('SELECT 3 AS v')).rows).toEqual([{ v: 3 }]);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(storeKind() === 'postgres')('MariaDB sessions', () => {
  let m: MonitoredDb;
  let sources: SourceRegistry;
  const ds = () => dataSourceOf(m, { id: 'dsn_my_sessions', maxConnections: 1 });
  const run = (sql: string, timeoutMs = 5_000) => sources.run(ds(), sql, params, timeoutMs);
  beforeAll(async () => {
    m = await createMysqlSource();
    sources = registry({ killGraceMs: 1_000 });
  });
  afterAll(async () => {
    await sources.close();
    await m.close();
  });
  const connectionId = async () => { const r = await run('SELECT CONNECTION_ID() AS value'); return r.ok ? r.rows[0]!.value : null; };

  it('GET_LOCK locks and user variables are gone after the run, on the same connection, also after a timeout', async () => {
    const before = await connectionId();
    expect(await run("SELECT GET_LOCK('mg_probe_lock', 0) AS value, @carried := 42 AS x")).toMatchObject({ ok: true, rows: [{ value: 1 }] });
    expect(await run("SELECT @carried AS value, IS_USED_LOCK('mg_probe_lock') AS holder")).toMatchObject({ ok: true, rows: [{ value: null, holder: null }] });
    expect(await m.query("SELECT IS_FREE_LOCK('mg_probe_lock') AS free")).toEqual([{ free: 1 }]);
    expect(await run("SELECT GET_LOCK('mg_probe_lock2', 0) + SLEEP(10) AS value", 500)).toMatchObject({ ok: false, status: 'timeout' });
    expect(await m.query("SELECT IS_FREE_LOCK('mg_probe_lock2') AS free")).toEqual([{ free: 1 }]);
    expect(await connectionId()).toBe(before);
  });

  it('the reset after a run also ends its read-only transaction: the next run is in a fresh one', async () => {
    const before = await connectionId();
    // Reading an InnoDB table gives the run a transaction the server lists (INNODB_TRX).
    expect(await run('SELECT @@in_transaction AS value, COUNT(*) AS n FROM account_transactions')).toMatchObject({ ok: true, rows: [{ value: 1, n: 0 }] });
    expect(await m.query('SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [before])).toEqual([{ n: 0 }]);
    expect(await run('SELECT value FROM no_such_table')).toMatchObject({ ok: false, status: 'failed' });
    expect(await m.query('SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?', [before])).toEqual([{ n: 0 }]);
    expect(await connectionId()).toBe(before);
  });

  it('KILL by a DBA mid-query, or of an idle pooled connection, fails one run at most', async () => {
    const running = run('SELECT SLEEP(5) AS value');
    await sleep(400);
    const [row] = await m.query<{ id: number }>('SELECT id FROM information_schema.PROCESSLIST WHERE user = ? AND info LIKE ?', [m.user, 'SELECT SLEEP(5)%']);
    await m.query(`KILL CONNECTION ${row!.id}`);
    expect(await running).toMatchObject({ ok: false, status: 'failed' });
    expect(await run('SELECT 1 AS value')).toMatchObject({ ok: true });
    for (const p of await m.query<{ id: number }>('SELECT id FROM information_schema.PROCESSLIST WHERE user = ?', [m.user])) await m.query(`KILL CONNECTION ${p.id}`);
    await sleep(200);
    expect(await run('SELECT 2 AS value')).toMatchObject({ ok: true, rows: [{ value: 2 }] });
  });
});

