// Issue 11: no KPI query changes a monitored database or its host, whatever its text. Each probe of the
// issue, as an editor would send it, and the layers behind the statement check (READ ONLY, inspection).
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { createMysqlSource, createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { storeKind } from '../helpers/store.ts';
import { dataSourceOf, params, registry } from './helpers.ts';

const run = (sources: SourceRegistry, m: MonitoredDb, sql: string, o: Parameters<typeof dataSourceOf>[1] = {}) => sources.run(dataSourceOf(m, o), sql, params, 5_000);

describe.runIf(storeKind() === 'postgres')('MariaDB: every probe leaves the database, its files and its locks as they were', () => {
  let m: MonitoredDb;
  let sources: SourceRegistry;
  const file = `/tmp/mg_probe_${process.pid}_${Date.now()}.txt`;
  beforeAll(async () => {
    m = await createMysqlSource();
    sources = registry();
    await m.query('CREATE TABLE t (a int) ENGINE=InnoDB');
    await m.query('INSERT INTO t VALUES (1), (2)');
    await m.query(`CREATE PROCEDURE commits_and_writes() SQL SECURITY INVOKER BEGIN COMMIT; INSERT INTO t VALUES (99); SELECT 1 AS value; END`);
    await m.query(`CREATE PROCEDURE counts() SQL SECURITY INVOKER SELECT count(*) AS value FROM t`);
  });
  afterAll(async () => {
    await sources.close();
    await m.close();
    rmSync(file, { force: true });
  });
  const intact = async () => {
    expect(await m.query('SELECT a FROM t ORDER BY a')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await m.query("SELECT count(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('t', 'u')")).toEqual([{ n: 1 }]);
  };

  it('DDL, LOCK TABLES, INTO OUTFILE and session settings are refused before they reach the server', async () => {
    for (const sql of ['DROP TABLE t', 'TRUNCATE TABLE t', 'ALTER TABLE t ADD COLUMN b int', 'RENAME TABLE t TO u', `DROP DATABASE ${String(m.dataSource.database)}`,
      'LOCK TABLES t WRITE', "SET @@session.sql_mode = 'ANSI'", `SELECT a FROM t INTO OUTFILE '${file}'`, 'SELECT 1 AS value; DROP TABLE t']) {
      const r = await run(sources, m, sql);
      expect(r, sql).toMatchObject({ ok: false, status: 'failed', error: expect.stringMatching(/^refused: /) });
    }
    await intact();
    expect(existsSync(file)).toBe(false);
    // Nobody holds t: another session locks it at once.
    await m.query('LOCK TABLES t WRITE');
    await m.query('UNLOCK TABLES');
  });

  it('a procedure that COMMITs out of READ ONLY still cannot write: the user has only SELECT, EXECUTE and SHOW VIEW', async () => {
    const r = await run(sources, m, 'CALL commits_and_writes()');
    expect(r).toMatchObject({ ok: false, status: 'failed', error: expect.stringContaining('INSERT command denied') });
    await intact();
    expect(await run(sources, m, 'CALL counts()')).toMatchObject({ ok: true, rows: [{ value: 2 }] });
  });

  it('the same probes as root: refused at run, so a data source as root is refused', async () => {
    const r = await run(sources, m, 'SELECT 1 AS value', { admin: true });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('has ALL PRIVILEGES on *.*') });
    expect(await sources.test(dataSourceOf(m, { admin: true }))).toMatchObject({ ok: false, error: expect.stringContaining('WITH GRANT OPTION') });
  });

  it('as root with allowPrivilegedUser the statement checks still hold, and CALL is refused', async () => {
    for (const sql of ['DROP TABLE t', `SELECT a FROM t INTO OUTFILE '${file}'`, 'LOCK TABLES t WRITE', 'CALL commits_and_writes()', "SELECT 1 AS value /*!50000 INTO OUTFILE '/tmp/x' */"]) {
      expect(await run(sources, m, sql, { admin: true, allowPrivilegedUser: true }), sql).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: /) });
    }
    await intact();
    expect(existsSync(file)).toBe(false);
    expect(await run(sources, m, 'SELECT count(*) AS value FROM t', { admin: true, allowPrivilegedUser: true })).toMatchObject({ ok: true, rows: [{ value: 2 }] });
  });
});

describe.runIf(storeKind() === 'postgres')('PostgreSQL: every probe leaves the database and its host as they were', () => {
  let m: MonitoredDb;
  let sources: SourceRegistry;
  const file = `/tmp/mg_probe_pg_${process.pid}_${Date.now()}`;
  beforeAll(async () => {
    m = await createPostgresSource();
    sources = registry();
    await m.query('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)');
    await m.query(`GRANT SELECT, INSERT ON t TO ${m.user}`);
    // A function the read-only role may call that writes: only READ ONLY stops it.
    await m.query(`CREATE FUNCTION writes() RETURNS int LANGUAGE sql AS 'INSERT INTO t VALUES (99) RETURNING a'`);
  });
  afterAll(async () => {
    await sources.close();
    await m.close();
    rmSync(file, { force: true });
    rmSync(`${file}.program`, { force: true });
  });
  const intact = async () => expect(await m.query('SELECT a FROM t ORDER BY a')).toEqual([{ a: 1 }, { a: 2 }]);

  it('COPY TO PROGRAM, COPY to a file, DDL and data-modifying CTEs are refused before they reach the server', async () => {
    for (const sql of [`COPY (SELECT 1) TO PROGRAM 'id > ${file}.program'`, `COPY t TO '${file}'`, 'DROP TABLE t', 'TRUNCATE t', 'UPDATE t SET a = 0',
      'WITH gone AS (DELETE FROM t RETURNING a) SELECT count(*) AS value FROM gone', `SELECT lo_export(1, '${file}')`, "DO $$ BEGIN PERFORM pg_sleep(1); END $$"]) {
      expect(await run(sources, m, sql), sql).toMatchObject({ ok: false, status: 'failed', error: expect.stringMatching(/^refused: /) });
    }
    await intact();
    expect(existsSync(file) || existsSync(`${file}.program`)).toBe(false);
  });

  it('a write the statement check cannot see (inside a function) is stopped by the READ ONLY transaction', async () => {
    expect(await run(sources, m, 'SELECT writes() AS value')).toMatchObject({ ok: false, status: 'failed', error: expect.stringContaining('read-only transaction') });
    await intact();
  });

  it('a superuser data source is refused at run and test, even for a harmless query', async () => {
    expect(await run(sources, m, 'SELECT 1 AS value', { admin: true })).toMatchObject({ ok: false, error: expect.stringContaining('user postgres is a superuser') });
    expect(await sources.test(dataSourceOf(m, { admin: true }))).toMatchObject({ ok: false, error: expect.stringContaining('is a superuser') });
  });

  it('as a superuser with allowPrivilegedUser, COPY TO PROGRAM and dblink stay refused; a harmless query runs', async () => {
    const allowed = { admin: true, allowPrivilegedUser: true };
    for (const sql of [`COPY (SELECT 1) TO PROGRAM 'id > ${file}.program'`, "SELECT dblink_exec('dbname=x', 'INSERT INTO t VALUES (1)')", `SELECT lo_export(1, '${file}')`]) {
      expect(await run(sources, m, sql, allowed), sql).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: /) });
    }
    expect(existsSync(`${file}.program`)).toBe(false);
    expect(await run(sources, m, 'SELECT count(*) AS value FROM t', allowed)).toMatchObject({ ok: true, rows: [{ value: 2 }] });
    expect(await sources.test(dataSourceOf(m, allowed))).toMatchObject({ ok: true, warnings: ['user postgres is a superuser'] });
  });

  it('the read-only role runs harmless queries as before', async () => {
    expect(await run(sources, m, 'SELECT count(*) AS value FROM t WHERE a < :forLastMinutes')).toMatchObject({ ok: true, rows: [{ value: 2 }], columns: ['value'] });
    expect(await sources.test(dataSourceOf(m))).toMatchObject({ ok: true, warnings: [] });
  });
});
