import { PGlite } from '@electric-sql/pglite';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Db, Queryable } from './db.ts';
import { createMutex } from './mutex.ts';

const INIT_CHILD = fileURLToPath(new URL('./pglite-init-child.mjs', import.meta.url));

/**
 * Creates a new data directory in a short-lived process. PGlite's initdb keeps about 450 MB of WASM
 * memory in the process that ran it (measured: 757 MB RSS after creating a directory, 300 MB after
 * opening an existing one), which V8 does not give back after `close` until a full GC it has no reason
 * to run; a process that exits gives it all back. The directory is then opened here as on any restart.
 */
async function initialiseInChild(dataDir: string): Promise<void> {
  await promisify(execFile)(process.execPath, [INIT_CHILD, dataDir], { timeout: 120_000 });
}

/**
 * Embedded PostgreSQL. PGlite has a single session, so every statement and every transaction takes one
 * mutex: a transaction never sees another caller's statements interleaved into it.
 * `dataDir` undefined = in memory (tests).
 */
export async function openPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir !== undefined && !existsSync(path.join(dataDir, 'PG_VERSION'))) await initialiseInChild(dataDir);
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
