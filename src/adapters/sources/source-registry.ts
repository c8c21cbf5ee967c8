import type { DataSource } from '../../core/datasources/datasource.ts';
import type { SourceRunner } from '../../core/executions/ports.ts';
import type { SecretBox } from '../../core/ports.ts';
import { openMysqlSource } from './mysql-source.ts';
import { openPostgresSource } from './postgres-source.ts';
import { errorText, type SourcePool } from './source-pool.ts';
import { openSqliteSource } from './sqlite-source.ts';

export interface SourceRegistryOptions {
  readonly secrets: SecretBox;
  /** Looks up `passwordEnv` variables; main.ts passes the environment in, adapters never read it. */
  readonly env: (name: string) => string | undefined;
}

export type SourceRegistry = SourceRunner & {
  /** Closes every pool (shutdown). */
  close(): Promise<void>;
};

function resolvePassword(ds: DataSource, opts: SourceRegistryOptions): string | null {
  if (ds.sealedPassword !== null) return opts.secrets.open(ds.sealedPassword);
  if (ds.passwordEnv !== null) {
    const v = opts.env(ds.passwordEnv);
    if (v === undefined) throw new Error(`the environment variable ${ds.passwordEnv} (passwordEnv) is not set on this node`);
    return v;
  }
  return null;
}

function openPool(ds: DataSource, opts: SourceRegistryOptions): SourcePool {
  switch (ds.kind) {
    case 'postgres':
      return openPostgresSource(ds, resolvePassword(ds, opts));
    case 'mysql':
      return openMysqlSource(ds, resolvePassword(ds, opts));
    case 'sqlite':
      return openSqliteSource(ds);
  }
}

/**
 * One pool per data source, keyed by id and version: a changed data source (new host, password ...)
 * gets a new pool on its next use and the old one is closed once its queries are done.
 */
export function createSourceRegistry(opts: SourceRegistryOptions): SourceRegistry {
  const pools = new Map<string, { version: number; pool: SourcePool }>();
  const poolFor = (ds: DataSource): SourcePool => {
    const current = pools.get(ds.id);
    if (current !== undefined && current.version === ds.version) return current.pool;
    if (current !== undefined && current.version > ds.version) return current.pool; // a stale read; keep the newer pool
    const pool = openPool(ds, opts);
    pools.set(ds.id, { version: ds.version, pool });
    void current?.pool.close().catch(() => undefined);
    return pool;
  };
  return {
    async run(ds, query, params, timeoutMs, signal) {
      let pool: SourcePool;
      try {
        pool = poolFor(ds);
      } catch (e) {
        return { ok: false, status: 'failed', error: errorText(e) };
      }
      return pool.run(query, params, timeoutMs, signal);
    },
    async test(ds) {
      const started = Date.now();
      try {
        const version = await poolFor(ds).version();
        return { ok: true, version, latencyMs: Date.now() - started };
      } catch (e) {
        return { ok: false, error: errorText(e), latencyMs: Date.now() - started };
      }
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.pool.close().catch(() => undefined)));
    },
  };
}
