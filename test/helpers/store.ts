import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/adapters/storage/db.ts';
import { migrate } from '../../src/adapters/storage/migrate.ts';
import { openPgDb } from '../../src/adapters/storage/pg-db.ts';
import { openPgliteDb } from '../../src/adapters/storage/pglite-db.ts';

/** The PostgreSQL server tests use; CI makes sure it runs. Override with TEST_PG_URL. */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type StoreKind = 'postgres' | 'pglite';
export const storeKind = (): StoreKind => (process.env.TEST_STORE === 'pglite' ? 'pglite' : 'postgres');

export interface TestStore {
  readonly db: Db;
  readonly kind: StoreKind;
  /** Connection string of the fresh database (postgres only), for a second node or a raw client. */
  readonly url: string | null;
  /** Opens another pool on the same database (another "node"); closed by `close`. */
  openAnother(max?: number): Db;
  close(): Promise<void>;
}

const urlFor = (database: string): string => {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
};

/** A fresh database for one test file, really migrated: a new PostgreSQL database or an in-memory PGlite. */
export async function createTestStore(kind: StoreKind = storeKind(), opts: { migrate?: boolean; max?: number } = {}): Promise<TestStore> {
  if (kind === 'pglite') {
    const db = await openPgliteDb();
    if (opts.migrate !== false) await migrate(db);
    return {
      db, kind, url: null,
      openAnother: () => {
        throw new Error('PGlite is one process; a second node needs the postgres store');
      },
      close: () => db.close(),
    };
  }
  const name = `mg_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = urlFor(name);
  const db = openPgDb({ connectionString: url, max: opts.max ?? 10 });
  const others: Db[] = [];
  if (opts.migrate !== false) await migrate(db);
  return {
    db, kind, url,
    openAnother: (max = 10) => {
      const other = openPgDb({ connectionString: url, max });
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([db, ...others].map((d) => d.close()));
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
