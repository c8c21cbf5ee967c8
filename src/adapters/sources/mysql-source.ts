import mysql from 'mysql2/promise';
import type { DataSource } from '../../core/datasources/datasource.ts';
import type { QueryRun } from '../../core/executions/ports.ts';
import { bindNamedParameters, parameterValues } from '../../core/executions/query-params.ts';
import { inspectMysql } from './mysql-inspect.ts';
import { errorText, failed, stopped, supervise, tooManyRows, type RunLimits, type SourcePool } from './source-pool.ts';

type Core = mysql.PoolConnection['connection'] & {
  execute(sql: string, values: unknown[]): NodeJS.EventEmitter;
  pause(): void;
  threadId: number;
};

type Streamed = { rows: Record<string, unknown>[]; columns: string[] } | 'too_many' | 'no_result';

/**
 * Reads the first result set row by row as the server sends it (mysql2 buffers nothing without a
 * callback) and stops reading past `max` rows: the caller then kills the connection.
 */
function streamRows(core: Core, text: string, values: unknown[], max: number): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const rows: Record<string, unknown>[] = [];
    let columns: string[] | null = null;
    let done = false;
    const command = core.execute(text, values);
    command.on('fields', (fields: mysql.FieldPacket[] | undefined, index?: number) => {
      if ((index ?? 0) === 0 && columns === null && fields !== undefined) columns = fields.map((f) => f.name);
    });
    command.on('result', (row: Record<string, unknown>, index?: number) => {
      // Later result sets of a CALL, and its trailing status header (emitted without an index), are not the KPI's.
      if (done || (index ?? 0) !== 0 || columns === null || row?.constructor?.name === 'ResultSetHeader') return;
      rows.push(row);
      if (rows.length > max) {
        done = true;
        settle();
        core.pause();
        resolve('too_many');
      }
    });
    // A lost connection is told to the connection, not to an event-mode command: listen to both.
    const lost = (e?: unknown) => fail(e ?? new Error('the connection was closed'));
    const settle = () => { core.off('error', lost); core.off('end', lost); };
    const fail = (e: unknown) => { if (!done) { done = true; settle(); reject(e); } };
    core.on('error', lost);
    core.on('end', lost);
    command.on('error', fail);
    command.on('end', () => { if (!done) { done = true; settle(); resolve(columns === null ? 'no_result' : { rows, columns }); } });
  });
}

/**
 * A MySQL or MariaDB source. Each KPI query is a server-side prepared statement (values bound by the
 * server, one statement only) in `START TRANSACTION READ ONLY`, streamed and bounded. At the timeout
 * a second connection sends `KILL QUERY`; a query still running after the kill grace gets
 * `KILL CONNECTION` and its client is dropped. After every run COM_RESET_CONNECTION clears what a
 * query can leave on a session (GET_LOCK locks, user and session variables, temporary tables) and rolls
 * the transaction back (no ROLLBACK of its own: one round trip less; sessions.int.test.ts checks it).
 * Times are bound in UTC.
 */
export function openMysqlSource(ds: DataSource, password: string | null): SourcePool {
  const config: mysql.ConnectionOptions = {
    host: ds.host ?? undefined, port: ds.port ?? 3306, database: ds.database ?? undefined, user: ds.user ?? undefined,
    password: password ?? undefined, ssl: ds.ssl ? {} : undefined, timezone: 'Z', connectTimeout: 10_000,
    multipleStatements: false, supportBigNumbers: true, decimalNumbers: true,
  };
  const pool = mysql.createPool({ ...config, connectionLimit: ds.maxConnections, maxIdle: ds.maxConnections, idleTimeout: 60_000 });
  const listened = new WeakSet<object>();
  const lost = new WeakSet<object>();
  /** A pooled connection listens once; a second error (or one while checked out) would reach the process. */
  const listen = (core: Core) => {
    if (listened.has(core)) return;
    listened.add(core);
    core.on('error', () => lost.add(core));
  };

  const killOnServer = async (what: 'QUERY' | 'CONNECTION', threadId: number): Promise<void> => {
    if (!Number.isInteger(threadId)) return;
    const c = await mysql.createConnection({ ...config, connectTimeout: 5_000 }).catch(() => null);
    if (c === null) return;
    (c as unknown as { connection: NodeJS.EventEmitter }).connection.on('error', () => undefined);
    await c.query(`KILL ${what} ${threadId}`).catch(() => undefined);
    await c.end().catch(() => undefined);
  };

  const withConnection = async <T>(work: (c: mysql.PoolConnection) => Promise<T>): Promise<T> => {
    const conn = await pool.getConnection();
    listen(conn.connection as Core);
    try {
      return await work(conn);
    } finally {
      conn.destroy(); // inspection may SET ROLE: never hand that session on
    }
  };

  return {
    run(text, params, limits, signal) {
      const state: { conn: mysql.PoolConnection | null; killed: boolean; cancelled: boolean } = { conn: null, killed: false, cancelled: false };
      const threadId = () => (state.conn?.connection as Core | undefined)?.threadId ?? null;
      return supervise(limits, signal, {
        cancel: () => { state.cancelled = true; const id = threadId(); if (id !== null) void killOnServer('QUERY', id); },
        kill: async () => {
          state.killed = true;
          const id = threadId();
          state.conn?.destroy();
          state.conn = null;
          if (id !== null) await killOnServer('CONNECTION', id);
        },
      }, async () => {
        let conn: mysql.PoolConnection;
        try {
          conn = await pool.getConnection();
        } catch (e) {
          return { ok: false, status: 'failed', error: `cannot connect: ${errorText(e)}` };
        }
        listen(conn.connection as Core);
        state.conn = conn;
        if (state.killed) { conn.destroy(); return stopped('timeout', limits); }
        return runOn(conn, text, params, limits, lost, killOnServer, () => state.conn === conn, () => { state.conn = null; }, () => state.cancelled);
      });
    },
    inspect: async () => ({ privileges: await withConnection((c) => inspectMysql(c)), refused: [] }),
    async version() {
      const [rows] = await pool.query('SELECT VERSION() AS version');
      return String((rows as { version: string }[])[0]!.version);
    },
    close: () => pool.end(),
  };
}

async function runOn(
  conn: mysql.PoolConnection, text: string, params: Parameters<SourcePool['run']>[1], limits: RunLimits, lost: WeakSet<object>,
  killOnServer: (what: 'QUERY' | 'CONNECTION', id: number) => Promise<void>, stillOurs: () => boolean, forget: () => void,
  cancelled: () => boolean,
): Promise<QueryRun> {
  const core = conn.connection as Core;
  const bound = bindNamedParameters(text, 'mysql');
  let reusable = false;
  try {
    await conn.query('START TRANSACTION READ ONLY');
    // A cancel that came while the session was being prepared had no statement to kill: start none.
    if (cancelled()) {
      await conn.reset();
      reusable = !lost.has(core);
      return stopped('timeout', limits);
    }
    const streamed = await streamRows(core, bound.text, parameterValues(bound, params), limits.maxRows);
    if (streamed === 'too_many') {
      await killOnServer('CONNECTION', core.threadId);
      return tooManyRows(limits);
    }
    await conn.reset();
    reusable = !lost.has(core);
    if (streamed === 'no_result') return { ok: false, status: 'failed', error: 'the query returned no result set (a KPI query must select rows)' };
    return { ok: true, rows: streamed.rows, columns: streamed.columns };
  } catch (e) {
    if (!lost.has(core)) {
      // A failed statement leaves the session usable once it is reset.
      reusable = await conn.reset().then(() => !lost.has(core), () => false);
    }
    return lost.has(core) ? { ok: false, status: 'failed', error: `the connection was lost: ${errorText(e)}` } : failed(e);
  } finally {
    if (stillOurs()) {
      forget();
      if (reusable) conn.release();
      else conn.destroy();
    }
  }
}
