import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TEST_PG_ADMIN_URL } from './store.ts';

/**
 * Monitored databases for execution tests, shaped like the original's: account transactions with a
 * type, a done flag, an updated time and a country. Rows are generated deterministically from
 * `rows` so a test can compute expected values with its own SQL.
 */
export interface TxRow {
  readonly type: 'deposit' | 'withdrawal';
  readonly done: boolean;
  readonly updatedAt: Date;
  readonly country: string;
  readonly amount: number;
}

export interface MonitoredDb {
  readonly kind: 'postgres' | 'mysql' | 'sqlite';
  /** The fields of a data source pointing at it as a read-only user made for it (for POST /datasources). */
  readonly dataSource: Record<string, unknown>;
  /** The same as the server's administrator (postgres, root), whom source inspection refuses. */
  readonly adminDataSource: Record<string, unknown>;
  /** The read-only user's name (PostgreSQL role, MySQL user at '%'); null for SQLite. */
  readonly user: string | null;
  insert(rows: readonly TxRow[]): Promise<void>;
  /** Runs SQL directly (setup and hand-computed expectations). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** Source-registry options for tests: SQLite files live in the system's temporary folder. */
export const TEST_SOURCE_OPTIONS = { sqliteAllowedDirs: [tmpdir()] } as const;

export const TEST_MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

const COUNTRIES = ['DE', 'FR', 'NL'];

/** `n` transactions spread over [from, from + spanMinutes), country and type cycling. */
export function generateRows(n: number, from: Date, spanMinutes: number): TxRow[] {
  return Array.from({ length: n }, (_, i) => ({
    type: i % 4 === 3 ? 'withdrawal' : 'deposit',
    done: i % 5 !== 4,
    updatedAt: new Date(from.getTime() + Math.floor((i * spanMinutes * 60_000) / n)),
    country: COUNTRIES[i % COUNTRIES.length]!,
    amount: 10 + (i % 7),
  }));
}

const name = (): string => `mg_src_${randomBytes(5).toString('hex')}`;

export async function createPostgresSource(): Promise<MonitoredDb> {
  const db = name();
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${db}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  // DROP DATABASE ... WITH (FORCE) in close() can reach a connection pool.end() is still closing.
  pool.on('error', () => undefined);
  await pool.query(`CREATE TABLE account_transactions (id serial PRIMARY KEY, type text NOT NULL, done boolean NOT NULL,
    updated_at timestamptz NOT NULL, country text NOT NULL, amount numeric(12,2) NOT NULL)`);
  // A role that may write (the server's READ ONLY transaction is what stops it), as a replica's reporting role might.
  const user = `${db}_ro`;
  await pool.query(`CREATE ROLE ${user} LOGIN; GRANT CONNECT ON DATABASE ${db} TO ${user}; GRANT USAGE ON SCHEMA public TO ${user};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${user};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${user}`);
  const at = { kind: 'postgres', host: url.hostname, port: Number(url.port || 5432), database: db };
  return {
    kind: 'postgres',
    user,
    dataSource: { ...at, user },
    adminDataSource: { ...at, user: decodeURIComponent(url.username) || 'postgres' },
    async insert(rows) {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        await pool.query(
          'INSERT INTO account_transactions (type, done, updated_at, country, amount) SELECT * FROM unnest($1::text[], $2::bool[], $3::timestamptz[], $4::text[], $5::numeric[])',
          [chunk.map((r) => r.type), chunk.map((r) => r.done), chunk.map((r) => r.updatedAt.toISOString()), chunk.map((r) => r.country), chunk.map((r) => r.amount)],
        );
      }
    },
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    async close() {
      await pool.end();
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${user}`);
      await c.end();
    },
  };
}

export async function createMysqlSource(): Promise<MonitoredDb> {
  const db = name();
  const admin = await mysql.createConnection(TEST_MYSQL);
  await admin.query(`CREATE DATABASE ${db}`);
  await admin.end();
  const pool = mysql.createPool({ ...TEST_MYSQL, database: db, connectionLimit: 3, timezone: 'Z', decimalNumbers: true });
  await pool.query(`CREATE TABLE account_transactions (id int AUTO_INCREMENT PRIMARY KEY, type varchar(20) NOT NULL, done boolean NOT NULL,
    updated_at datetime(3) NOT NULL, country char(2) NOT NULL, amount decimal(12,2) NOT NULL) ENGINE=InnoDB`);
  const user = `${db}_ro`;
  await pool.query(`CREATE USER ${user}@'%'`);
  await pool.query(`GRANT SELECT, EXECUTE, SHOW VIEW ON ${db}.* TO ${user}@'%'`);
  const at = { kind: 'mysql', host: TEST_MYSQL.host, port: TEST_MYSQL.port, database: db };
  return {
    kind: 'mysql',
    user,
    dataSource: { ...at, user },
    adminDataSource: { ...at, user: TEST_MYSQL.user },
    async insert(rows) {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        await pool.query('INSERT INTO account_transactions (type, done, updated_at, country, amount) VALUES ?', [chunk.map((r) => [r.type, r.done, r.updatedAt, r.country, r.amount])]);
      }
    },
    query: async (sql, params) => (await pool.query(sql, params))[0] as never,
    async close() {
      await pool.query(`DROP DATABASE IF EXISTS ${db}`);
      await pool.query(`DROP USER IF EXISTS ${user}@'%'`);
      await pool.end();
    },
  };
}

export async function createSqliteSource(): Promise<MonitoredDb> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mg-sqlite-'));
  const file = path.join(dir, 'shop.db');
  const db = new Database(file);
  db.exec(`CREATE TABLE account_transactions (id integer PRIMARY KEY, type text NOT NULL, done integer NOT NULL,
    updated_at text NOT NULL, country text NOT NULL, amount real NOT NULL)`);
  const time = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
  return {
    kind: 'sqlite',
    user: null,
    dataSource: { kind: 'sqlite', filePath: file },
    adminDataSource: { kind: 'sqlite', filePath: file },
    async insert(rows) {
      const stmt = db.prepare('INSERT INTO account_transactions (type, done, updated_at, country, amount) VALUES (?, ?, ?, ?, ?)');
      db.transaction(() => rows.forEach((r) => stmt.run(r.type, r.done ? 1 : 0, time(r.updatedAt), r.country, r.amount)))();
    },
    query: async (sql, params) => db.prepare(sql).all(...(params ?? [])) as never,
    async close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const createMonitored = { postgres: createPostgresSource, mysql: createMysqlSource, sqlite: createSqliteSource } as const;
