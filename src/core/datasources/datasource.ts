import { diffFields, type Changes } from '../shared/changes.ts';
import { checkFinite, FieldErrors } from '../shared/validation.ts';
import type { FieldError } from '../errors.ts';

export const DATA_SOURCE_KINDS = ['postgres', 'mysql', 'sqlite'] as const;
export type DataSourceKind = (typeof DATA_SOURCE_KINDS)[number];

/** Everything about a monitored database except its password, which never leaves the store unsealed. */
export interface DataSourceFields {
  readonly name: string;
  readonly kind: DataSourceKind;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly user: string | null;
  /** Name of an environment variable that holds the password, as an alternative to storing it sealed. */
  readonly passwordEnv: string | null;
  readonly ssl: boolean;
  /** SQLite only: the database file, opened read-only. */
  readonly filePath: string | null;
  /** Default timeout of a KPI query on this source, in milliseconds. */
  readonly statementTimeoutMs: number;
  /** Upper bound of the connection pool to this source. */
  readonly maxConnections: number;
  /**
   * Run KPI queries although source inspection refuses the user (a superuser, a MySQL user with more
   * than SELECT, EXECUTE and SHOW VIEW ...). Only an administrator may set it; it shows as a warning.
   */
  readonly allowPrivilegedUser: boolean;
}

export interface DataSource extends DataSourceFields {
  readonly id: string;
  /** The password encrypted with the service's secret key (AES-256-GCM), or null. */
  readonly sealedPassword: string | null;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type DataSourceInput = Partial<DataSourceFields> & { password?: string | null };

export const DATA_SOURCE_FIELDS = [
  'name', 'kind', 'host', 'port', 'database', 'user', 'passwordEnv', 'ssl', 'filePath', 'statementTimeoutMs', 'maxConnections',
  'allowPrivilegedUser',
] as const satisfies readonly (keyof DataSourceFields)[];

const DEFAULT_PORTS: Record<DataSourceKind, number | null> = { postgres: 5432, mysql: 3306, sqlite: null };

export function dataSourceFromInput(input: DataSourceInput, base?: DataSourceFields): DataSourceFields {
  const kind = input.kind ?? base?.kind ?? 'postgres';
  const pick = <K extends keyof DataSourceFields>(k: K, fallback: DataSourceFields[K]): DataSourceFields[K] =>
    (input[k] !== undefined ? input[k] : (base?.[k] ?? fallback)) as DataSourceFields[K];
  return {
    name: (input.name ?? base?.name ?? '').trim(),
    kind,
    host: pick('host', null),
    port: pick('port', DEFAULT_PORTS[kind]),
    database: pick('database', null),
    user: pick('user', null),
    passwordEnv: pick('passwordEnv', null),
    ssl: pick('ssl', false),
    filePath: pick('filePath', null),
    statementTimeoutMs: pick('statementTimeoutMs', 30_000),
    maxConnections: pick('maxConnections', 5),
    allowPrivilegedUser: pick('allowPrivilegedUser', false),
  };
}

export function validateDataSource(ds: DataSourceFields, hasPassword: boolean): FieldError[] {
  const errors = new FieldErrors();
  checkFinite(ds, errors);
  errors.check(ds.name.length > 0, '/name', 'must not be empty');
  if (ds.port !== null) errors.check(Number.isInteger(ds.port) && ds.port >= 1 && ds.port <= 65_535, '/port', 'must be a whole number from 1 to 65535');
  if (ds.kind === 'sqlite') {
    errors.check(!!ds.filePath, '/filePath', 'a sqlite data source needs the path of its database file');
  } else {
    errors.check(!!ds.host, '/host', `a ${ds.kind} data source needs a host`);
    errors.check(!!ds.database, '/database', `a ${ds.kind} data source needs a database name`);
    errors.check(!!ds.user, '/user', `a ${ds.kind} data source needs a user`);
  }
  if (ds.passwordEnv !== null) {
    errors.check(/^[A-Za-z_][A-Za-z0-9_]*$/.test(ds.passwordEnv), '/passwordEnv', 'must be an environment variable name');
    errors.check(!hasPassword, '/password', 'give either a password or passwordEnv, not both');
  }
  errors.check(Number.isInteger(ds.statementTimeoutMs) && ds.statementTimeoutMs >= 100 && ds.statementTimeoutMs <= 3_600_000, '/statementTimeoutMs', 'must be a whole number from 100 to 3600000');
  errors.check(Number.isInteger(ds.maxConnections) && ds.maxConnections >= 1 && ds.maxConnections <= 100, '/maxConnections', 'must be a whole number from 1 to 100');
  return errors.list;
}

export const diffDataSource = (before: DataSourceFields, after: DataSourceFields): Changes =>
  diffFields(before, after, DATA_SOURCE_FIELDS);

/** What the API shows: never the password, only whether one is set. */
export function publicDataSource(ds: DataSource): Omit<DataSource, 'sealedPassword'> & { hasPassword: boolean } {
  const { sealedPassword, ...rest } = ds;
  return { ...rest, hasPassword: sealedPassword !== null };
}
