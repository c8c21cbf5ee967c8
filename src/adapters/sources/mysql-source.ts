import mysql from 'mysql2/promise';
import type { DataSource } from '../../core/datasources/datasource.ts';
import { bindNamedParameters, parameterValues } from '../../core/executions/query-params.ts';
import { errorText, failure, watchdog, type SourcePool } from './source-pool.ts';

/**
 * A MySQL or MariaDB source. Each KPI query is a server-side prepared statement (values bound by the
 * server, one statement only) in `START TRANSACTION READ ONLY`. At the timeout a second connection
 * sends `KILL QUERY` for the query's thread, so the server really stops. Times are bound in UTC.
 */
export function openMysqlSource(ds: DataSource, password: string | null): SourcePool {
  const config: mysql.ConnectionOptions = {
    host: ds.host ?? undefined, port: ds.port ?? 3306, database: ds.database ?? undefined, user: ds.user ?? undefined,
    password: password ?? undefined, ssl: ds.ssl ? {} : undefined, timezone: 'Z', connectTimeout: 10_000,
    multipleStatements: false, supportBigNumbers: true, decimalNumbers: true,
  };
  const pool = mysql.createPool({ ...config, connectionLimit: ds.maxConnections, maxIdle: ds.maxConnections, idleTimeout: 60_000 });

  const killQuery = async (threadId: number): Promise<void> => {
    if (!Number.isInteger(threadId)) return;
    const c = await mysql.createConnection(config).catch(() => null);
    if (c === null) return;
    await c.query(`KILL QUERY ${threadId}`).catch(() => undefined);
    await c.end().catch(() => undefined);
  };

  return {
    async run(query, params, timeoutMs, signal) {
      const bound = bindNamedParameters(query, 'question');
      let conn: mysql.PoolConnection;
      try {
        conn = await pool.getConnection();
      } catch (e) {
        return { ok: false, status: 'failed', error: `cannot connect: ${errorText(e)}` };
      }
      const dog = watchdog(timeoutMs, signal, () => void killQuery(conn.threadId));
      let broken = false;
      try {
        await conn.query('START TRANSACTION READ ONLY');
        const [result, fields] = await conn.execute(bound.text, parameterValues(bound, params));
        await conn.query('ROLLBACK');
        // A killed SLEEP() answers normally (1), so a fired watchdog decides, not the answer.
        if (dog.fired() !== null) return failure(dog.fired(), true, timeoutMs, null);
        // CALL answers with its result sets followed by a status header; the first set is the KPI's.
        const set = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
        const cols = Array.isArray(fields) && Array.isArray(fields[0]) ? (fields[0] as mysql.FieldPacket[]) : (fields as mysql.FieldPacket[] | undefined);
        if (!Array.isArray(set)) return { ok: false, status: 'failed', error: 'the query returned no result set (a KPI query must select rows)' };
        return { ok: true, rows: set as Record<string, unknown>[], columns: (cols ?? []).map((f) => f.name) };
      } catch (e) {
        await conn.query('ROLLBACK').catch(() => (broken = true));
        return failure(dog.fired(), false, timeoutMs, e);
      } finally {
        dog.stop();
        if (broken) conn.destroy();
        else conn.release();
      }
    },
    async version() {
      const [rows] = await pool.query('SELECT VERSION() AS version');
      return String((rows as { version: string }[])[0]!.version);
    },
    close: () => pool.end(),
  };
}
