import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createSourceRegistry, type SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import type { DataSource } from '../../src/core/datasources/datasource.ts';
import { createMonitored, generateRows, TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';
import { storeKind } from '../helpers/store.ts';

const toDataSource = (m: MonitoredDb, o: Partial<DataSource> = {}): DataSource => ({
  id: `dsn_${m.kind}`, name: m.kind, kind: m.kind, host: null, port: null, database: null, user: null, passwordEnv: null, sealedPassword: null,
  ssl: false, filePath: null, statementTimeoutMs: 30_000, maxConnections: 3, allowPrivilegedUser: false, version: 1, createdAt: new Date(), updatedAt: new Date(),
  ...(m.dataSource as Partial<DataSource>), ...o,
});

const windowEnd = new Date('2026-03-02T09:00:00Z');
const params = { forLastMinutes: 60, windowStart: new Date(windowEnd.getTime() - 3_600_000), windowEnd };

// The adapters do not touch the store: run them once, in the postgres project.
describe.runIf(storeKind() === 'postgres').each(['postgres', 'mysql', 'sqlite'] as const)('the %s source', (kind) => {
  let m: MonitoredDb;
  let sources: SourceRegistry;
  let ds: DataSource;
  beforeAll(async () => {
    m = await createMonitored[kind]();
    // 600 rows over two hours ending at windowEnd + 30 min: the window catches some, not all.
    await m.insert(generateRows(600, new Date(windowEnd.getTime() - 90 * 60_000), 120));
    sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
    ds = toDataSource(m);
  });
  afterAll(async () => {
    await sources.close();
    await m.close();
  });

  const windowed = "FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd";

  it('shape (a): one value, the window bound as parameters, equal to the same count by hand', async () => {
    const run = await sources.run(ds, `SELECT count(*) AS value ${windowed}`, params, 5_000);
    const t = (d: Date) => (kind === 'sqlite' ? d.toISOString().slice(0, 19).replace('T', ' ') : d);
    const ph = kind === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const [expected] = await m.query<{ n: number | string }>(
      `SELECT count(*) AS n FROM account_transactions WHERE type = 'deposit' AND updated_at >= ${ph[0]} AND updated_at < ${ph[1]}`, [t(params.windowStart), t(params.windowEnd)],
    );
    expect(run).toMatchObject({ ok: true, columns: ['value'] });
    expect(Number(run.ok && run.rows[0]!.value)).toBe(Number(expected!.n));
    expect(Number(expected!.n)).toBeGreaterThan(100);
    expect(Number(expected!.n)).toBeLessThan(450);
  });

  it('shape (b) and (c) come back as rows with their columns', async () => {
    const keyed = await sources.run(ds, `SELECT country AS ${kind === 'mysql' ? '`key`' : '"key"'}, count(*) AS value ${windowed} GROUP BY country ORDER BY country`, params, 5_000);
    expect(keyed.ok && keyed.rows.map((r) => Object.values(r)[0])).toEqual(['DE', 'FR', 'NL']);
    const rates = await sources.run(ds, `SELECT country AS ItemName, count(*) AS Total, sum(CASE WHEN done THEN 1 ELSE 0 END) AS Successful ${windowed} GROUP BY country`, params, 5_000);
    expect(rates.ok && rates.columns.map((c) => c.toLowerCase())).toEqual(['itemname', 'total', 'successful']);
  });

  it('a parameter name inside a string literal or comment stays text; values never enter the SQL', async () => {
    const run = await sources.run(ds, "SELECT ':windowStart' AS k, :forLastMinutes AS value -- :windowEnd", params, 5_000);
    expect(run.ok && run.rows[0]).toMatchObject({ k: ':windowStart' });
    expect(Number(run.ok && run.rows[0]!.value)).toBe(60);
  });

  it('refuses to write: an UPDATE fails, a second statement is refused, and nothing changes', async () => {
    const before = await m.query<{ n: number }>('SELECT count(*) AS n FROM account_transactions WHERE done');
    const update = await sources.run(ds, 'UPDATE account_transactions SET done = true', params, 5_000);
    expect(update).toMatchObject({ ok: false, status: 'failed' });
    const smuggled = await sources.run(ds, 'SELECT 1 AS value; DELETE FROM account_transactions', params, 5_000);
    expect(smuggled).toMatchObject({ ok: false, status: 'failed' });
    expect(await m.query('SELECT count(*) AS n FROM account_transactions WHERE done')).toEqual(before);
  });

  it('reports its server version', async () => {
    expect(await sources.test(ds)).toMatchObject({ ok: true, version: expect.stringMatching(/\d+\.\d+/) });
  });
});

describe.runIf(storeKind() === 'postgres')('a hanging query', () => {
  const sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
  afterAll(() => sources.close());

  it('on PostgreSQL is cancelled at the timeout and is gone from pg_stat_activity', async () => {
    const m = await createMonitored.postgres();
    try {
      const run = await sources.run(toDataSource(m), 'SELECT pg_sleep(30) AS value', params, 1_000);
      expect(run).toMatchObject({ ok: false, status: 'timeout' });
      const active = await m.query("SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active' AND datname = current_database()");
      expect(active).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('on MariaDB is killed at the timeout and is gone from the process list', async () => {
    const m = await createMonitored.mysql();
    try {
      const run = await sources.run(toDataSource(m), 'SELECT SLEEP(30) AS value', params, 1_000);
      expect(run).toMatchObject({ ok: false, status: 'timeout' });
      await new Promise((r) => setTimeout(r, 100)); // KILL QUERY is asynchronous on the server
      const active = await m.query("SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(30)%' AND db = DATABASE()");
      expect(active).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('a source that is down is a failed run, not an exception', async () => {
    const down: DataSource = { ...toDataSource({ kind: 'postgres', dataSource: { host: '127.0.0.1', port: 1, database: 'x', user: 'x' } } as unknown as MonitoredDb), id: 'dsn_down' };
    expect(await sources.run(down, 'SELECT 1 AS value', params, 2_000)).toMatchObject({ ok: false, status: 'failed', error: expect.stringContaining('cannot connect') });
    expect(await sources.test(down)).toMatchObject({ ok: false });
  });
});
