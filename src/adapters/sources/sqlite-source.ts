import Database from 'better-sqlite3';
import type { DataSource } from '../../core/datasources/datasource.ts';
import { bindNamedParameters } from '../../core/executions/query-params.ts';
import { errorText, type SourcePool } from './source-pool.ts';

/** SQLite keeps times as text; bind them the way `datetime()` writes them: 'YYYY-MM-DD HH:MM:SS' in UTC. */
export const sqliteTime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

/**
 * A SQLite file opened read-only (and `query_only`), one handle per data source. better-sqlite3 runs a
 * query synchronously in this process, so the timeout cannot interrupt it: it is checked after the
 * fact and reported as `timeout`. Keep SQLite KPIs to small files (see the README).
 */
export function openSqliteSource(ds: DataSource): SourcePool {
  let db: Database.Database | null = null;
  const handle = (): Database.Database => {
    if (db === null) {
      db = new Database(ds.filePath ?? '', { readonly: true, fileMustExist: true });
      db.pragma('query_only = ON');
    }
    return db;
  };
  return {
    async run(query, params, timeoutMs, signal) {
      if (signal?.aborted) return { ok: false, status: 'failed', error: 'cancelled: the node is shutting down' };
      const bound = bindNamedParameters(query, 'question');
      const started = Date.now();
      try {
        const stmt = handle().prepare(bound.text);
        if (!stmt.reader) return { ok: false, status: 'failed', error: 'the query returns no rows (a KPI query must select rows)' };
        const values = bound.names.map((n) => { const v = params[n]; return v instanceof Date ? sqliteTime(v) : v; });
        const rows = stmt.all(...values) as Record<string, unknown>[];
        if (Date.now() - started > timeoutMs) return { ok: false, status: 'timeout', error: `ran past the timeout of ${timeoutMs} ms` };
        return { ok: true, rows, columns: stmt.columns().map((c) => c.name) };
      } catch (e) {
        return { ok: false, status: 'failed', error: errorText(e) };
      }
    },
    async version() {
      return `SQLite ${(handle().prepare('SELECT sqlite_version() AS v').get() as { v: string }).v}`;
    },
    async close() {
      db?.close();
      db = null;
    },
  };
}
