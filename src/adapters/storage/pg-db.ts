import pg from 'pg';
import type { Db, Queryable } from './db.ts';
import { listenPg } from './pg-listener.ts';
import { asUnavailable } from './store-unavailable.ts';

// int8 (counts, positions) as numbers and numeric as floats: our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface PgDbOptions {
  readonly connectionString: string;
  /** Pool size; default 10. */
  readonly max?: number;
  readonly applicationName?: string;
  /** How long to wait for a connection (a new one, or a free one of the pool) before the store counts as unavailable; ms, default 5 000. */
  readonly connectTimeoutMs?: number;
}

/** Rethrows a failure to reach the store as `unavailable` (503 with Retry-After in the API). */
async function reaching<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw asUnavailable(e);
  }
}

export function openPgDb(options: PgDbOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'monitoring-grid',
    // Without it a request waits forever for a store that does not answer, or for a free connection.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    async query(text, params) {
      const r = await reaching(() => pool.query(text, params as unknown[] | undefined));
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    async exec(script) {
      await reaching(() => pool.query(script));
    },
    async transaction(work) {
      const client = await reaching(() => pool.connect());
      // A checked-out client has no pool listener: without ours, a server restart or a killed backend
      // would be an unhandled 'error' event and end the process. The transaction fails instead.
      let lost: unknown = null;
      const onError = (e: unknown) => (lost = e);
      client.on('error', onError);
      const tx: Queryable = {
        async query(text, params) {
          const r = await client.query(text, params as unknown[] | undefined);
          return { rows: r.rows, rowCount: r.rowCount ?? 0 };
        },
        async exec(script) {
          await client.query(script);
        },
      };
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        if (lost === null) await client.query('ROLLBACK').catch((r: unknown) => (lost = r));
        throw asUnavailable(e);
      } finally {
        client.off('error', onError);
        client.release(lost === null ? undefined : true);
      }
    },
    async close() {
      await pool.end();
    },
    listen: (channel, handlers) => listenPg(options.connectionString, channel, handlers),
  };
}
