import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listenPg } from '../../src/adapters/storage/pg-listener.ts';
import { storeKind, TEST_PG_ADMIN_URL } from '../helpers/store.ts';

describe.runIf(storeKind() === 'postgres')('a LISTEN that fails to start', () => {
  it('is refused, and no reconnection connects later behind the caller (who has nothing to close)', async () => {
    const name = `mg_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
    try {
      const handlers = { onNotify: () => undefined, onReset: () => undefined };
      await expect(listenPg(url.toString(), 'late_channel', handlers, 50)).rejects.toThrow(/does not exist/);
      await admin.query(`CREATE DATABASE ${name}`);
      await new Promise((r) => setTimeout(r, 500)); // ten retry intervals
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      expect(rows[0]!.n).toBe(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
