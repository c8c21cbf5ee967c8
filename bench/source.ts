/**
 * What the source's safety envelope costs (issue 15): `SELECT 1 AS value` run through the PostgreSQL
 * source adapter (read-only transaction, bounded read, session reset: three round trips a run) against
 * the raw `pg` driver running the same query, 5 at a time each, in alternating rounds of the same run.
 * `npx tsx bench/source.ts` (SOURCE_BENCH_SECONDS per round, default 5). Needs the PostgreSQL server
 * of the tests (TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createSecretBox } from '../src/adapters/crypto/secret-box.ts';
import { createSourceRegistry } from '../src/adapters/sources/source-registry.ts';
import type { DataSource } from '../src/core/datasources/datasource.ts';

const SECONDS = Number(process.env.SOURCE_BENCH_SECONDS ?? 5);
const url = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const registry = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined });
// The test server's superuser: allowed here on purpose (the inspection refuses it otherwise).
const ds: DataSource = {
  id: 'dsn_bench_source', version: 1, name: 'bench', kind: 'postgres', host: url.hostname, port: Number(url.port || 5432),
  database: url.pathname.slice(1) || 'postgres', user: decodeURIComponent(url.username), ssl: false, maxConnections: 5,
  sealedPassword: null, passwordEnv: null, filePath: null, statementTimeoutMs: 30_000, allowPrivilegedUser: true, createdAt: new Date(), updatedAt: new Date(),
};
const windowEnd = new Date();
const params = { forLastMinutes: 60, windowStart: new Date(windowEnd.getTime() - 3_600_000), windowEnd };

async function rate(run: () => Promise<unknown>): Promise<number> {
  const until = Date.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: 5 }, async () => {
    while (Date.now() < until) { await run(); n++; }
  }));
  return n / SECONDS;
}

const pool = new pg.Pool({ connectionString: url.toString(), max: 5 });
try {
  const first = await registry.run(ds, 'SELECT 1 AS value', params, 5_000);
  if (!first.ok) throw new Error(`the source run failed: ${first.error}`);
  for (let round = 1; round <= 2; round++) {
    const source = await rate(() => registry.run(ds, 'SELECT 1 AS value', params, 5_000));
    const raw = await rate(() => pool.query('SELECT 1 AS value'));
    process.stdout.write(`round ${round}: source runs ${source.toFixed(0)}/s, raw pg SELECT ${raw.toFixed(0)}/s, source / raw: ${(source / raw).toFixed(2)}\n`);
  }
} finally {
  await pool.end();
  await registry.close();
}
