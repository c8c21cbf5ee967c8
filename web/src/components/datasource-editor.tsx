import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { DataSource } from '../api/admin-types.ts';
import { blankSourceForm, sourceBody, sourceForm, type SourceForm as Form } from '../api/datasource-form.ts';
import { useAction } from '../api/use-action.ts';
import { Field } from './field.tsx';
import { ErrorMessage } from './status.tsx';
import { useFocusFirst } from './use-focus-first.ts';

/** Create or change a data source. The password is write-only: the API never returns it, the form never shows it. */
export function DataSourceEditor({ source, onClose }: { source: DataSource | null; onClose: (saved: boolean) => void }) {
  const [form, setForm] = useState<Form>(source ? sourceForm(source) : blankSourceForm);
  const save = useAction();
  const formRef = useFocusFirst<HTMLFormElement>();
  const set = (name: keyof Form) => (e: { target: HTMLInputElement | HTMLSelectElement }) =>
    setForm((f) => ({ ...f, [name]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      if (source) await api.patch(`datasources/${encodeURIComponent(source.id)}`, sourceBody(form, true), source.version);
      else await api.post('datasources', sourceBody(form, false));
      onClose(true);
    });
  };
  const err = save.fieldErrors;
  const input = (name: keyof Form, props: Record<string, unknown> = {}) => <input name={name} value={String(form[name])} onChange={set(name)} {...props} />;
  return (
    <form ref={formRef} className="card stack editor-card" aria-label={source ? `Edit ${source.name}` : 'New data source'} onSubmit={submit}>
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
            {source?.hasPassword && (
              <label className="inline"><input type="checkbox" name="clearPassword" checked={form.clearPassword} onChange={set('clearPassword')} /> Remove the stored password</label>
            )}
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
