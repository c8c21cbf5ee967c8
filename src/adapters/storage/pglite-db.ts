import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable } from './db.ts';
import { createMutex } from './mutex.ts';

/**
 * Embedded PostgreSQL. PGlite has a single session, so every statement and every transaction takes one
 * mutex: a transaction never sees another caller's statements interleaved into it.
 * `dataDir` undefined = in memory (tests).
 */
export async function openPgliteDb(dataDir?: string): Promise<Db> {
  const pglite = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const exclusive = createMutex();
  const toResult = <R>(r: { rows: R[]; affectedRows?: number }) => ({ rows: r.rows, rowCount: r.affectedRows ?? r.rows.length });
  return {
    kind: 'pglite',
    query: (text, params) => exclusive(async () => toResult(await pglite.query(text, params as unknown[] | undefined))),
    exec: (script) => exclusive(async () => void (await pglite.exec(script))),
    transaction: (work) =>
      exclusive(() =>
        pglite.transaction(async (t) => {
          const tx: Queryable = {
            query: async (text, params) => toResult(await t.query(text, params as unknown[] | undefined)),
            exec: async (script) => void (await t.exec(script)),
          };
          return work(tx);
        }),
      ),
    close: () => exclusive(() => pglite.close()),
  };
}
