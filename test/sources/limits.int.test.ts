// Issue 11: results are bounded (MAX_RESULT_ROWS rows, streamed: the rest is never read) and keys the
// store cannot keep fail their run clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { normaliseRows } from '../../src/core/executions/result-shape.ts';
import { createMysqlSource, createPostgresSource, createSqliteSource, type MonitoredDb } from '../helpers/monitored.ts';
import { storeKind } from '../helpers/store.ts';
import { dataSourceOf, params, registry } from './helpers.ts';

const KINDS = ['postgres', 'mysql', 'sqlite'] as const;
const m: Partial<Record<(typeof KINDS)[number], MonitoredDb>> = {};
let sources: SourceRegistry;
/** A query of `n` rows with a numeric `value`, per engine. */
const rowsQuery: Record<(typeof KINDS)[number], (n: number) => string> = {
  postgres: (n) => `SELECT 1 AS value FROM generate_series(1, ${n})`,
  mysql: (n) => `SELECT 1 AS value FROM seq_1_to_${n}`, // MariaDB's sequence engine
  sqlite: (n) => `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT 1 AS value FROM c`,
};

describe.runIf(storeKind() === 'postgres')('bounded results', () => {
  beforeAll(async () => {
    [m.postgres, m.mysql, m.sqlite] = await Promise.all([createPostgresSource(), createMysqlSource(), createSqliteSource()]);
    sources = registry(); // MAX_RESULT_ROWS at its default, 10 000
  }, 60_000);
  afterAll(async () => {
    await sources.close();
    await Promise.all(Object.values(m).map((x) => x.close()));
  });

  it.each(KINDS)('%s: 10 000 rows are read, 10 001 fail the run naming MAX_RESULT_ROWS', async (kind) => {
    const ds = dataSourceOf(m[kind]!);
    const full = await sources.run(ds, rowsQuery[kind](10_000), params, 10_000);
    expect(full.ok && full.rows.length).toBe(10_000);
    expect(await sources.run(ds, rowsQuery[kind](10_001), params, 10_000)).toEqual({
      ok: false, status: 'failed', error: 'the query returned more than 10000 rows (MAX_RESULT_ROWS); only that many are read',
    });
  });

  it.each(KINDS)('%s: the 15 M-row query leaves RSS within 100 MB of where it was, and is stopped on the server', async (kind) => {
    const ds = dataSourceOf(m[kind]!);
    await sources.run(ds, 'SELECT 1 AS value', params, 5_000); // the pool (and runner) exist before the measurement
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    const started = Date.now();
    const r = await sources.run(ds, rowsQuery[kind](15_000_000), params, 60_000);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - before) / 1_048_576;
    console.log(`${kind}: 15M-row query stopped after ${Date.now() - started} ms; RSS ${Math.round(before / 1_048_576)} MB before, peak +${growthMb.toFixed(1)} MB`);
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('more than 10000 rows') });
    expect(growthMb).toBeLessThan(100);
    if (kind === 'postgres') {
      expect(await m.postgres!.query("SELECT pid FROM pg_stat_activity WHERE query LIKE '%generate_series(1, 15000000)%' AND state = 'active' AND pid <> pg_backend_pid()")).toEqual([]);
    }
    if (kind === 'mysql') {
      await new Promise((res) => setTimeout(res, 200));
      expect(await m.mysql!.query("SELECT id FROM information_schema.PROCESSLIST WHERE info LIKE '%seq_1_to_15000000%' AND id <> CONNECTION_ID()")).toEqual([]);
    }
  }, 90_000);

  it('keys the store cannot keep fail the run, naming the row: NUL on every engine, bytes that are not UTF-8', async () => {
    const keyed = async (kind: (typeof KINDS)[number], sql: string) => {
      const r = await sources.run(dataSourceOf(m[kind]!), sql, params, 5_000);
      if (!r.ok) return r.error;
      const n = normaliseRows(r.rows, r.columns);
      return n.ok ? n.series : n.error;
    };
    expect(await keyed('postgres', "SELECT '\\x00ff'::bytea AS key, 1 AS value")).toBe('row 1: key is not valid UTF-8 text');
    expect(await keyed('postgres', "SELECT 'ok' AS key, 1 AS value UNION ALL SELECT convert_from('\\x61'::bytea, 'UTF8'), 2")).toEqual([
      { key: 'ok', value: 1, historical: null }, { key: 'a', value: 2, historical: null },
    ]);
    expect(await keyed('mysql', 'SELECT CHAR(0 USING utf8mb4) AS `key`, 1 AS value')).toBe('row 1: key contains a NUL character, which cannot be stored');
    expect(await keyed('mysql', 'SELECT 0xFF AS `key`, 1 AS value')).toBe('row 1: key is not valid UTF-8 text');
    expect(await keyed('sqlite', "SELECT 'a' AS key, 1 AS value UNION ALL SELECT char(0), 2")).toBe('row 2: key contains a NUL character, which cannot be stored');
    expect(await keyed('sqlite', "SELECT x'ff' AS ItemName, 1 AS Total, 1 AS Successful")).toBe('row 1: ItemName is not valid UTF-8 text');
  });
});
