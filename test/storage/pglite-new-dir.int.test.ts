import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../src/adapters/storage/pglite-db.ts';
import { storeKind } from '../helpers/store.ts';

// A new data directory is created by a short-lived process (pglite-db.ts#initialiseInChild), then opened here.
const dir = mkdtempSync(path.join(tmpdir(), 'mg-pglite-new-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Once, on the PGlite run: the store under test does not matter here.
describe.runIf(storeKind() === 'pglite')('PGlite in a new data directory', () => {
  it('creates the directory, opens it, keeps what was written across a reopen', async () => {
    const pgdata = path.join(dir, 'pgdata');
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(false);
    const first = await openPgliteDb(pgdata);
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(true);
    await first.query('CREATE TABLE kept (v int)');
    await first.query('INSERT INTO kept VALUES (42)');
    await first.close();
    const again = await openPgliteDb(pgdata);
    expect((await again.query<{ v: number }>('SELECT v FROM kept')).rows).toEqual([{ v: 42 }]);
    await again.close();
  }, 60_000);

  it('a directory that cannot be created fails the open, saying why', async () => {
    const file = path.join(dir, 'a-file');
    await (await import('node:fs/promises')).writeFile(file, 'not a directory');
    await expect(openPgliteDb(path.join(file, 'pgdata'))).rejects.toThrow(/pglite-init-child|ENOTDIR|not a directory/i);
  }, 60_000);
});
