import type { DataSource, SourceKind } from './admin-types.ts';

// The data-source editor's state (every input as typed) and the API body made from it.

export type SourceForm = Record<'name' | 'host' | 'port' | 'database' | 'user' | 'password' | 'passwordEnv' | 'filePath' | 'statementTimeoutMs' | 'maxConnections', string>
  & { kind: SourceKind; ssl: boolean; /** Editing: forget the stored password (e.g. to use passwordEnv instead). */ clearPassword: boolean };

const text = (v: string | number | null): string => (v === null ? '' : String(v));
export const blankSourceForm: SourceForm = {
  name: '', kind: 'postgres', host: '', port: '', database: '', user: '', password: '', passwordEnv: '', filePath: '', ssl: false, clearPassword: false,
  statementTimeoutMs: '30000', maxConnections: '5',
};
export const sourceForm = (d: DataSource): SourceForm => ({
  name: d.name, kind: d.kind, host: text(d.host), port: text(d.port), database: text(d.database), user: text(d.user), password: '',
  passwordEnv: text(d.passwordEnv), filePath: text(d.filePath), ssl: d.ssl, clearPassword: false, statementTimeoutMs: text(d.statementTimeoutMs), maxConnections: text(d.maxConnections),
});

/**
 * The API body: empty text is null, empty numbers are left to the API's defaults. The password is
 * write-only: typed, it is sent; left empty while editing, the stored one stays (unless cleared).
 */
export function sourceBody(f: SourceForm, editing: boolean): Record<string, unknown> {
  const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const network = f.kind !== 'sqlite';
  const body: Record<string, unknown> = {
    name: f.name.trim(), kind: f.kind, ssl: f.ssl,
    host: network ? orNull(f.host) : null, port: network ? (num(f.port) ?? null) : null, database: network ? orNull(f.database) : null,
    user: network ? orNull(f.user) : null, passwordEnv: network ? orNull(f.passwordEnv) : null, filePath: network ? null : orNull(f.filePath),
    statementTimeoutMs: num(f.statementTimeoutMs), maxConnections: num(f.maxConnections),
  };
  if (f.password !== '') body.password = f.password;
  else if (!editing || f.clearPassword) body.password = null;
  return body;
}
