import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './db.ts';
import { openPgDb } from './pg-db.ts';
import { openPgliteDb } from './pglite-db.ts';

/** A PostgreSQL server when `databaseUrl` is set, else PGlite in `<dataDir>/pgdata`. */
export async function openDb(opts: { databaseUrl: string | null; dataDir: string; poolSize?: number }): Promise<Db> {
  if (opts.databaseUrl !== null) return openPgDb({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
  const dir = path.resolve(opts.dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  return openPgliteDb(dir);
}
