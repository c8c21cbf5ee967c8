import { conflict } from '../../core/errors.ts';
import type { DataSource } from '../../core/datasources/datasource.ts';
import type { DataSourceRepo, Page } from '../../core/ports.ts';
import { sqlState, UNIQUE_VIOLATION, type Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface DataSourceRow {
  id: string; name: string; kind: DataSource['kind']; host: string | null; port: number | null; database_name: string | null;
  username: string | null; password_env: string | null; sealed_password: string | null; ssl: boolean; file_path: string | null;
  statement_timeout_ms: number; max_connections: number; allow_privileged_user: boolean; version: number; created_at: Date; updated_at: Date;
}

export const toDataSource = (r: DataSourceRow): DataSource => ({
  id: r.id, name: r.name, kind: r.kind, host: r.host, port: r.port, database: r.database_name, user: r.username,
  passwordEnv: r.password_env, sealedPassword: r.sealed_password, ssl: r.ssl, filePath: r.file_path,
  statementTimeoutMs: r.statement_timeout_ms, maxConnections: r.max_connections, allowPrivilegedUser: r.allow_privileged_user, version: r.version,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const COLUMNS = 'id, name, kind, host, port, database_name, username, password_env, sealed_password, ssl, file_path, statement_timeout_ms, max_connections, allow_privileged_user, version, created_at, updated_at';
const values = (d: DataSource): unknown[] => [
  d.id, d.name, d.kind, d.host, d.port, d.database, d.user, d.passwordEnv, d.sealedPassword, d.ssl, d.filePath,
  d.statementTimeoutMs, d.maxConnections, d.allowPrivilegedUser, d.version, d.createdAt, d.updatedAt,
];

const rethrowUnique = (d: DataSource) => (e: unknown): never => {
  if (sqlState(e) === UNIQUE_VIOLATION) throw conflict(`a data source named ${d.name} exists already`);
  throw e;
};

export async function getDataSource(db: Queryable, id: string): Promise<DataSource | null> {
  const { rows } = await db.query<DataSourceRow>('SELECT * FROM data_sources WHERE id = $1', [id]);
  return rows[0] ? toDataSource(rows[0]) : null;
}

export async function findDataSourceByName(db: Queryable, name: string): Promise<DataSource | null> {
  const { rows } = await db.query<DataSourceRow>('SELECT * FROM data_sources WHERE name = $1', [name]);
  return rows[0] ? toDataSource(rows[0]) : null;
}

export async function listDataSources(db: Queryable, f: { cursor?: string | undefined; limit: number }): Promise<Page<DataSource>> {
  const where = new Where();
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id > ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<DataSourceRow>(`SELECT * FROM data_sources ${where.sql} ORDER BY id LIMIT ${limit}`, where.params);
  return toPage(rows.map(toDataSource), f.limit);
}

export async function insertDataSource(db: Queryable, d: DataSource): Promise<void> {
  const ph = values(d).map((_, i) => `$${i + 1}`).join(', ');
  await db.query(`INSERT INTO data_sources (${COLUMNS}) VALUES (${ph})`, values(d)).catch(rethrowUnique(d));
}

export async function updateDataSourceRow(db: Queryable, d: DataSource): Promise<void> {
  const sets = COLUMNS.split(', ').slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ');
  await db.query(`UPDATE data_sources SET ${sets} WHERE id = $1`, values(d)).catch(rethrowUnique(d));
}

export async function deleteDataSourceRow(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM data_sources WHERE id = $1', [id]);
}

export const dataSourceRepo = (db: Queryable): DataSourceRepo => ({
  get: (id) => getDataSource(db, id),
  findByName: (name) => findDataSourceByName(db, name),
  list: (f) => listDataSources(db, f),
  insert: (d) => insertDataSource(db, d),
  update: (d) => updateDataSourceRow(db, d),
  remove: (id) => deleteDataSourceRow(db, id),
});
