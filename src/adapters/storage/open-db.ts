import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock.ts';
import type { Db } from './db.ts';
import { openPgDb } from './pg-db.ts';
import { openPgliteDb } from './pglite-db.ts';

/**
 * A PostgreSQL server when `databaseUrl` is set, else PGlite in `<dataDir>/pgdata`, held for this
 * process until `close` (a second process gets DataDirInUse, see data-dir-lock.ts). `owner` names this
 * process in that refusal: `the service`, `monitoring-grid replay` ...
 */
export async function openDb(opts: { databaseUrl: string | null; dataDir: string; poolSize?: number; connectTimeoutMs?: number; owner?: string }): Promise<Db> {
  if (opts.databaseUrl !== null) {
    return openPgDb({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10, ...(opts.connectTimeoutMs !== undefined ? { connectTimeoutMs: opts.connectTimeoutMs } : {}) });
  }
  const dir = path.resolve(opts.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const lock = await lockDataDir(opts.dataDir, opts.owner ?? 'a MonitoringGrid command');
  let db: Db;
  try {
    db = await openPgliteDb(dir);
  } catch (e) {
    await lock.release();
    throw e;
  }
  return {
    ...db,
    async close() {
      try {
        await db.close();
      } finally {
        await lock.release();
      }
    },
  };
}
