import type { DataSource } from '../../core/datasources/datasource.ts';
import { judgeInspection, PRIVILEGED_HINT, type DataSourceInspector, type InspectionResult, type Verdict } from '../../core/datasources/inspection.ts';
import type { QueryRun, SourceRunner } from '../../core/executions/ports.ts';
import { checkKpiStatement } from '../../core/executions/statement-check.ts';
import type { SecretBox } from '../../core/ports.ts';
import { openMysqlSource } from './mysql-source.ts';
import { openPostgresSource } from './postgres-source.ts';
import { errorText, type RunLimits, type SourcePool } from './source-pool.ts';
import { openSqliteSource } from './sqlite-source.ts';

export interface SourceRegistryOptions {
  readonly secrets: SecretBox;
  /** Looks up `passwordEnv` variables; main.ts passes the environment in, adapters never read it. */
  readonly env: (name: string) => string | undefined;
  /** How long a cancelled query may go on before its connection is killed, ms; default 5000 (QUERY_KILL_GRACE_SECONDS). */
  readonly killGraceMs?: number | undefined;
  /** Rows a KPI query may return; default 10 000 (MAX_RESULT_ROWS). */
  readonly maxResultRows?: number | undefined;
  /** Folders SQLite files may be in (SQLITE_ALLOWED_DIRS); default none: no SQLite source runs. */
  readonly sqliteAllowedDirs?: readonly string[] | undefined;
}

export const DEFAULT_KILL_GRACE_MS = 5_000;
export const DEFAULT_MAX_RESULT_ROWS = 10_000;
/** An inspection is reused this long, ms; a CALL always gets a fresh one (a procedure may have changed). */
const INSPECTION_TTL_MS = 60_000;

export type SourceRegistry = SourceRunner & DataSourceInspector & {
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
      return openSqliteSource(ds, opts.sqliteAllowedDirs ?? []);
  }
}

async function inspectPool(pool: SourcePool): Promise<InspectionResult> {
  try {
    return { reachable: true, inspection: await pool.inspect() };
  } catch (e) {
    return { reachable: false, error: errorText(e) };
  }
}

const refusal = (v: Verdict): string => `refused: ${v.errors.join('; ')}${v.errors.some((e) => !e.includes('SQLITE_ALLOWED_DIRS')) ? ` (${PRIVILEGED_HINT})` : ''}`;

/** Resolves with `work` or, past `ms`, with null (work goes on, its result unused). */
const within = <T>(work: Promise<T>, ms: number): Promise<T | null> =>
  new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), ms);
    void work.then((v) => { clearTimeout(t); resolve(v); }, () => { clearTimeout(t); resolve(null); });
  });

/**
 * One pool per data source, keyed by id and version: a changed data source (new host, password ...)
 * gets a new pool on its next use and the old one is closed once its queries are done. Every run
 * checks its statement and the source's inspection first (see core/datasources/inspection.ts).
 */
export function createSourceRegistry(opts: SourceRegistryOptions): SourceRegistry {
  type Entry = { version: number; pool: SourcePool; inspected?: { at: number; result: Promise<InspectionResult> } | undefined };
  const pools = new Map<string, Entry>();
  const limitsOf = (timeoutMs: number): RunLimits => ({
    timeoutMs, killGraceMs: opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS, maxRows: opts.maxResultRows ?? DEFAULT_MAX_RESULT_ROWS,
  });
  const entryFor = (ds: DataSource): Entry => {
    const current = pools.get(ds.id);
    if (current !== undefined && current.version >= ds.version) return current; // equal, or a stale read: keep the newer pool
    const entry: Entry = { version: ds.version, pool: openPool(ds, opts) };
    pools.set(ds.id, entry);
    void current?.pool.close().catch(() => undefined);
    return entry;
  };
  const inspection = (ds: DataSource, fresh: boolean): Promise<InspectionResult> => {
    const entry = entryFor(ds);
    const hit = entry.inspected;
    if (!fresh && hit !== undefined && Date.now() - hit.at < INSPECTION_TTL_MS) return hit.result;
    const result = inspectPool(entry.pool);
    entry.inspected = { at: Date.now(), result };
    void result.then((r) => { if (!r.reachable && entry.inspected?.result === result) entry.inspected = undefined; });
    return result;
  };

  const run = async (ds: DataSource, query: string, params: Parameters<SourceRunner['run']>[2], timeoutMs: number, signal?: AbortSignal): Promise<QueryRun> => {
    const statement = checkKpiStatement(query, ds.kind, { privileged: ds.allowPrivilegedUser });
    if (!statement.ok) return { ok: false, status: 'failed', error: `refused: ${statement.problems.join('; ')}` };
    const started = Date.now();
    let inspected: InspectionResult | null;
    try {
      inspected = await within(inspection(ds, /^[\s(]*call\b/i.test(statement.text)), timeoutMs);
    } catch (e) {
      return { ok: false, status: 'failed', error: errorText(e) };
    }
    if (inspected === null) return { ok: false, status: 'timeout', error: `the data source did not answer within the timeout of ${timeoutMs} ms` };
    if (!inspected.reachable) return { ok: false, status: 'failed', error: `cannot connect: ${inspected.error}` };
    const verdict = judgeInspection(inspected.inspection, ds.allowPrivilegedUser);
    if (verdict.errors.length > 0) return { ok: false, status: 'failed', error: refusal(verdict) };
    const limits = { ...limitsOf(Math.max(1, timeoutMs - (Date.now() - started))), statedTimeoutMs: timeoutMs };
    return entryFor(ds).pool.run(statement.text, params, limits, signal);
  };

  return {
    run,
    async test(ds) {
      const started = Date.now();
      try {
        const version = await entryFor(ds).pool.version();
        const inspected = await inspection(ds, true);
        const latencyMs = Date.now() - started;
        if (!inspected.reachable) return { ok: false, error: inspected.error, latencyMs };
        const verdict = judgeInspection(inspected.inspection, ds.allowPrivilegedUser);
        if (verdict.errors.length > 0) return { ok: false, error: refusal(verdict), latencyMs };
        return { ok: true, version, latencyMs, warnings: verdict.warnings };
      } catch (e) {
        return { ok: false, error: errorText(e), latencyMs: Date.now() - started };
      }
    },
    async inspect(ds) {
      let pool: SourcePool;
      try {
        pool = openPool(ds, opts);
      } catch (e) {
        return { reachable: false, error: errorText(e) };
      }
      try {
        return await inspectPool(pool);
      } finally {
        await pool.close().catch(() => undefined);
      }
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.pool.close().catch(() => undefined)));
    },
  };
}
