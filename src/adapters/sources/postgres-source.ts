import pg from 'pg';
import type { DataSource } from '../../core/datasources/datasource.ts';
import type { QueryRun } from '../../core/executions/ports.ts';
import { bindNamedParameters, parameterValues } from '../../core/executions/query-params.ts';
import { readBounded } from './postgres-bounded-read.ts';
import { inspectPostgres } from './postgres-inspect.ts';
import { errorText, failed, stopped, supervise, tooManyRows, type RunLimits, type SourcePool } from './source-pool.ts';

const QUERY_CANCELED = '57014';

/**
 * A PostgreSQL source. Each KPI query runs in a READ ONLY transaction with `statement_timeout`, read
 * through a portal so that at most MAX_RESULT_ROWS rows ever reach this process (postgres-bounded-read.ts). At the timeout it is
 * cancelled (pg_cancel_backend from a second connection too); a query that ignores the cancel has its
 * backend terminated after the kill grace and its client dropped. After every run the session is cleared
 * of what a query can leave on it (advisory locks, settings, temporary tables: see `reset`); a connection
 * that cannot be cleared is dropped. Three round trips a run: begin, query, end and reset. Connection errors are listened to on every client, checked out or
 * idle, so a lost connection fails one run and never reaches the process.
 */
export function openPostgresSource(ds: DataSource, password: string | null): SourcePool {
  const config: pg.ClientConfig = {
    host: ds.host ?? undefined, port: ds.port ?? 5432, database: ds.database ?? undefined, user: ds.user ?? undefined,
    password: password ?? undefined, ssl: ds.ssl ? { rejectUnauthorized: true } : false,
    application_name: 'monitoring-grid-kpi', connectionTimeoutMillis: 10_000,
  };
  const pool = new pg.Pool({ ...config, max: ds.maxConnections, idleTimeoutMillis: 60_000 });
  pool.on('error', () => undefined); // an idle connection dropped by the server; the next query reconnects

  /**
   * A second connection that signals the query's backend; best effort, never throws. Terminating waits
   * (up to 1 s, PostgreSQL 14+) until the backend has exited, not only until it was told to.
   */
  const signalBackend = async (fn: 'pg_cancel_backend' | 'pg_terminate_backend', pid: number): Promise<void> => {
    const c = new pg.Client({ ...config, connectionTimeoutMillis: 5_000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      if (fn === 'pg_terminate_backend') await c.query('SELECT pg_terminate_backend($1, 1000)', [pid]).catch(() => c.query('SELECT pg_terminate_backend($1)', [pid]));
      else await c.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // the client is dropped anyway; a server that cannot be reached cannot run the query either
    } finally {
      await c.end().catch(() => undefined);
    }
  };

  const withClient = async <T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: unknown = undefined;
    const onError = (e: unknown) => (broken = e);
    client.on('error', onError);
    try {
      return await work(client);
    } catch (e) {
      broken = e;
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken === undefined ? undefined : true);
    }
  };

  return {
    run(text, params, limits, signal) {
      const state: { client: pg.PoolClient | null; killed: boolean; cancelled: boolean; broken: boolean } = { client: null, killed: false, cancelled: false, broken: false };
      const pid = () => (state.client as unknown as { processID: number } | null)?.processID ?? null;
      const drop = () => {
        const c = state.client;
        state.client = null;
        (c as unknown as { connection?: { stream?: { destroy(): void } } } | null)?.connection?.stream?.destroy();
        c?.release(true);
      };
      return supervise(limits, signal, {
        cancel: () => {
          state.cancelled = true; // a cancel before the connection is there stops the run once it is
          const p = pid();
          if (p !== null) void signalBackend('pg_cancel_backend', p);
        },
        kill: async () => {
          state.killed = true;
          const p = pid();
          drop();
          if (p !== null) await signalBackend('pg_terminate_backend', p);
        },
      }, async () => {
        let client: pg.PoolClient;
        try {
          client = await pool.connect();
        } catch (e) {
          return { ok: false, status: 'failed', error: `cannot connect: ${errorText(e)}` };
        }
        state.client = client;
        if (state.killed) { drop(); return stopped('timeout', limits); }
        client.on('error', () => (state.broken = true));
        try {
          return await runIn(client, text, params, limits, state);
        } finally {
          if (!state.killed) await reset(client, state);
          if (state.client === client) {
            state.client = null;
            client.removeAllListeners('error');
            client.release(state.broken ? true : undefined);
          }
        }
      });
    },
    inspect: async () => ({ privileges: await withClient((c) => inspectPostgres(c)), refused: [] }),
    async version() {
      return withClient(async (c) => (await c.query<{ version: string }>('SELECT version() AS version')).rows[0]!.version);
    },
    close: () => pool.end(),
  };
}

async function runIn(client: pg.PoolClient, text: string, params: Parameters<SourcePool['run']>[1], limits: RunLimits, state: { broken: boolean; cancelled: boolean }): Promise<QueryRun> {
  const bound = bindNamedParameters(text, 'postgres');
  try {
    // Our own text, in one round trip; standard strings as the statement check read them.
    await client.query(`BEGIN TRANSACTION READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.round(limits.timeoutMs))}; SET LOCAL standard_conforming_strings = on`);
    // A cancel that came while the session was being prepared had no statement to cancel: start none.
    if (state.cancelled) return stopped('timeout', limits);
    const read = await readBounded(client, bound.text, parameterValues(bound, params), limits.maxRows);
    return read === null ? tooManyRows(limits) : { ok: true, rows: read.rows, columns: read.columns };
  } catch (e) {
    if ((e as { code?: string }).code === QUERY_CANCELED) return stopped('timeout', limits);
    if (state.broken) return { ok: false, status: 'failed', error: `the connection was lost: ${errorText(e)}` };
    return failed(e);
  }
}

/**
 * DISCARD ALL's documented equivalent, after the ROLLBACK, in one simple-protocol string: DISCARD ALL
 * itself refuses to run inside a multi-statement string (an implicit transaction block), its parts do
 * not. The parts run as one implicit transaction: all of them or, on an error, none (the connection is
 * then dropped).
 */
const RESET_SESSION = 'ROLLBACK; CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; '
  + 'SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES';

/** Ends the transaction and clears the session in one round trip; a connection that cannot be cleared is not reused. */
async function reset(client: pg.PoolClient, state: { broken: boolean }): Promise<void> {
  if (state.broken) return;
  try {
    await client.query(RESET_SESSION);
  } catch {
    state.broken = true;
  }
}
