import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { DataSource, SourceKind } from '../api/admin-types.ts';
import { useAction } from '../api/use-action.ts';
import { Field } from './field.tsx';
import { ErrorMessage } from './status.tsx';

type Form = Record<'name' | 'host' | 'port' | 'database' | 'user' | 'password' | 'passwordEnv' | 'filePath' | 'statementTimeoutMs' | 'maxConnections', string>
  & { kind: SourceKind; ssl: boolean };

const text = (v: string | number | null): string => (v === null ? '' : String(v));
const blank: Form = {
  name: '', kind: 'postgres', host: '', port: '', database: '', user: '', password: '', passwordEnv: '', filePath: '', ssl: false,
  statementTimeoutMs: '30000', maxConnections: '5',
};
const formOf = (d: DataSource): Form => ({
  name: d.name, kind: d.kind, host: text(d.host), port: text(d.port), database: text(d.database), user: text(d.user), password: '',
  passwordEnv: text(d.passwordEnv), filePath: text(d.filePath), ssl: d.ssl, statementTimeoutMs: text(d.statementTimeoutMs), maxConnections: text(d.maxConnections),
});

/** The API body: empty text is null, empty numbers are left to the API's defaults, an empty password leaves the stored one. */
function bodyOf(f: Form, editing: boolean): Record<string, unknown> {
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
  else if (!editing) body.password = null;
  return body;
}

/** Create or change a data source. The password is write-only: the API never returns it, the form never shows it. */
export function DataSourceEditor({ source, onClose }: { source: DataSource | null; onClose: (saved: boolean) => void }) {
  const [form, setForm] = useState<Form>(source ? formOf(source) : blank);
  const save = useAction();
  const set = (name: keyof Form) => (e: { target: HTMLInputElement | HTMLSelectElement }) =>
    setForm((f) => ({ ...f, [name]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      if (source) await api.patch(`datasources/${encodeURIComponent(source.id)}`, bodyOf(form, true), source.version);
      else await api.post('datasources', bodyOf(form, false));
      onClose(true);
    });
  };
  const err = save.fieldErrors;
  const input = (name: keyof Form, props: Record<string, unknown> = {}) => <input name={name} value={String(form[name])} onChange={set(name)} {...props} />;
  return (
    <form className="card stack editor-card" aria-label={source ? `Edit ${source.name}` : 'New data source'} onSubmit={submit}>
      <h2>{source ? `Edit ${source.name}` : 'New data source'}</h2>
      <div className="form-grid">
        <Field label="Name" error={err.name}>{input('name', { required: true, maxLength: 200 })}</Field>
        <Field label="Kind" error={err.kind}>
          <select name="kind" value={form.kind} onChange={set('kind')}>
            <option value="postgres">PostgreSQL</option><option value="mysql">MySQL / MariaDB</option><option value="sqlite">SQLite</option>
          </select>
        </Field>
        {form.kind === 'sqlite' ? (
          <Field label="Database file" error={err.filePath} hint="Opened read-only">{input('filePath', { required: true, maxLength: 4096 })}</Field>
        ) : (
          <>
            <Field label="Host" error={err.host}>{input('host', { maxLength: 255 })}</Field>
            <Field label="Port" error={err.port}>{input('port', { type: 'number', min: 1, max: 65535 })}</Field>
            <Field label="Database" error={err.database}>{input('database', { maxLength: 255 })}</Field>
            <Field label="User" error={err.user}>{input('user', { maxLength: 255, autoComplete: 'off' })}</Field>
            <Field label="Password" error={err.password}
              hint={source?.hasPassword ? 'A password is stored; leave empty to keep it' : 'Stored encrypted, never shown again'}>
              {input('password', { type: 'password', maxLength: 1024, autoComplete: 'new-password' })}
            </Field>
            <Field label="Password from environment variable" error={err.passwordEnv} hint="Instead of storing one, e.g. REPLICA_PASSWORD">
              {input('passwordEnv', { maxLength: 128 })}
            </Field>
          </>
        )}
        <Field label="Statement timeout (ms)" error={err.statementTimeoutMs}>{input('statementTimeoutMs', { type: 'number', min: 100, max: 3600000 })}</Field>
        <Field label="Maximum connections" error={err.maxConnections}>{input('maxConnections', { type: 'number', min: 1, max: 100 })}</Field>
      </div>
      {form.kind !== 'sqlite' && <label className="inline"><input type="checkbox" name="ssl" checked={form.ssl} onChange={set('ssl')} /> Use TLS (ssl)</label>}
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy}>{save.busy ? 'Saving…' : 'Save data source'}</button>
        <button type="button" className="secondary" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </form>
  );
}
