import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, pendingMigrations } from '../../src/adapters/storage/migrate.ts';
import { openPgliteDb } from '../../src/adapters/storage/pglite-db.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore(storeKind(), { migrate: false });
});
afterAll(async () => store.close());

describe('migrations', () => {
  it('apply once; a second run finds nothing to do', async () => {
    expect(await pendingMigrations(store.db)).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(store.db)).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(store.db)).toEqual([]);
    expect(await pendingMigrations(store.db)).toEqual([]);
  });
});

describe.runIf(storeKind() === 'postgres')('several nodes starting at once', () => {
  it('apply each migration exactly once under the advisory lock', async () => {
    const fresh = await createTestStore('postgres', { migrate: false });
    try {
      const nodes = [fresh.db, fresh.openAnother(2), fresh.openAnother(2), fresh.openAnother(2)];
      const results = await Promise.all(nodes.map((db) => migrate(db)));
      const all = results.flat();
      expect(all.sort()).toEqual(loadMigrations().map((m) => m.version).sort());
      const { rows } = await fresh.db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(rows[0]!.n).toBe(loadMigrations().length);
    } finally {
      await fresh.close();
    }
  });
});

describe.runIf(storeKind() === 'pglite')('the embedded store on disk', () => {
  it('keeps its data across a restart', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mg-pglite-')), 'pgdata');
    const first = await openPgliteDb(dir);
    await migrate(first);
    await first.query("INSERT INTO streams (stream_id, version) VALUES ('kpi-persisted', 7)");
    await first.close();
    const second = await openPgliteDb(dir);
    expect(await migrate(second)).toEqual([]);
    const { rows } = await second.query<{ version: number }>("SELECT version FROM streams WHERE stream_id = 'kpi-persisted'");
    expect(rows[0]!.version).toBe(7);
    await second.close();
  });
});
