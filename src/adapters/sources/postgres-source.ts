import pg from 'pg';
import type { DataSource } from '../../core/datasources/datasource.ts';
import { bindNamedParameters, parameterValues } from '../../core/executions/query-params.ts';
import { CLIENT_GRACE_MS, errorText, failure, watchdog, type SourcePool } from './source-pool.ts';

const QUERY_CANCELED = '57014';

/**
 * A PostgreSQL source. Each KPI query runs in a READ ONLY transaction with `statement_timeout`, so the
 * server itself cancels it at the timeout; should the server not answer, the client cancels it from a
 * second connection (pg_cancel_backend). The extended protocol refuses several statements in one text,
 * so a query cannot `COMMIT` its way out of the read-only transaction.
 */
export function openPostgresSource(ds: DataSource, password: string | null): SourcePool {
  const config: pg.ClientConfig = {
    host: ds.host ?? undefined, port: ds.port ?? 5432, database: ds.database ?? undefined, user: ds.user ?? undefined,
    password: password ?? undefined, ssl: ds.ssl ? { rejectUnauthorized: true } : false,
    application_name: 'monitoring-grid-kpi', connectionTimeoutMillis: 10_000,
  };
  const pool = new pg.Pool({ ...config, max: ds.maxConnections, idleTimeoutMillis: 60_000 });
  pool.on('error', () => undefined); // an idle connection dropped by the server; the next query reconnects

  const cancelOnServer = async (pid: number): Promise<void> => {
    const c = new pg.Client(config);
    try {
      await c.connect();
      await c.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // best effort: the connection is destroyed below anyway
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  return {
    async run(query, params, timeoutMs, signal) {
      const bound = bindNamedParameters(query, 'dollar');
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        return { ok: false, status: 'failed', error: `cannot connect: ${errorText(e)}` };
      }
      const pid = (client as unknown as { processID: number }).processID;
      const dog = watchdog(timeoutMs + CLIENT_GRACE_MS, signal, () => void cancelOnServer(pid));
      let broken = false;
      try {
        // Our own text, two statements in one round trip (the KPI's query itself goes alone, extended protocol).
        await client.query(`BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
        const r = await client.query({ text: bound.text, values: parameterValues(bound, params), queryMode: 'extended' } as pg.QueryConfig);
        // Not awaited: a client sends its queries in order, so the next user of this connection starts
        // after the ROLLBACK, and this run saves a round trip.
        void client.query('ROLLBACK').catch(() => undefined);
        if (dog.fired() !== null) return failure(dog.fired(), true, timeoutMs, null);
        return { ok: true, rows: r.rows, columns: r.fields.map((f) => f.name) };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        const code = (e as { code?: string }).code;
        return failure(dog.fired(), code === QUERY_CANCELED, timeoutMs, e);
      } finally {
        dog.stop();
        client.release(broken || dog.fired() !== null);
      }
    },
    async version() {
      const { rows } = await pool.query<{ version: string }>('SELECT version() AS version');
      return rows[0]!.version;
    },
    close: () => pool.end(),
  };
}
