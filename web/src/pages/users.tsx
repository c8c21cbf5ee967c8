import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { User } from '../api/admin-types.ts';
import { useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { formatTime } from '../format.ts';

const ROLES = [
  ['viewer', 'Viewer: reads KPIs, alerts, contacts and data sources'],
  ['editor', 'Editor: changes everything but users and keys; reads the audit trail'],
  ['admin', 'Administrator: everything'],
] as const;

/** People who sign in: create with a role and a first password, disable (sessions end at once) and enable. */
export function UsersPage() {
  const users = useResource((s) => api.get<{ items: User[] }>('users', {}, s), []);
  const toggle = useAction();
  const setActive = (u: User, active: boolean) => {
    if (!active && !window.confirm(`Disable ${u.username}? They are signed out and cannot sign in until enabled again.`)) return;
    void toggle.run(async () => { await api.patch(`users/${encodeURIComponent(u.id)}`, { active }); users.reload(); });
  };
  return (
    <section>
      <h1>Users</h1>
      <CreateUser onCreated={users.reload} />
      <h2>Users</h2>
      <ErrorMessage error={users.error ?? toggle.error} />
      {!users.data ? <Loading what="Loading the users" /> : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Users</caption>
            <thead><tr><th scope="col">Username</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td><td>{u.role}</td>
                  <td><span className={`badge key-${u.active ? 'active' : 'revoked'}`}>{u.active ? 'active' : 'disabled'}</span>
                    {u.lockedUntil && new Date(u.lockedUntil) > new Date() && <div className="small muted">locked until {formatTime(u.lockedUntil)}</div>}</td>
                  <td>{formatTime(u.createdAt)}</td>
                  <td className="actions">
                    <button type="button" className="secondary" disabled={toggle.busy} onClick={() => setActive(u, !u.active)}
                      aria-label={`${u.active ? 'Disable' : 'Enable'} ${u.username}`}>{u.active ? 'Disable' : 'Enable'}</button>
                    <HistoryLink type="user" id={u.id} name={u.username} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [form, setForm] = useState({ username: '', role: 'viewer', password: '' });
  const [done, setDone] = useState('');
  const create = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    void create.run(async () => {
      const user = await api.post<User>('users', { ...form, username: form.username.trim() });
      setDone(`Created ${user.username}. Give them the password through a safe channel.`);
      setForm({ username: '', role: 'viewer', password: '' });
      onCreated();
    });
  };
  const err = create.fieldErrors;
  return (
    <form className="card stack editor-card" aria-label="New user" onSubmit={submit}>
      <h2>New user</h2>
      <div className="form-grid">
        <Field label="Username" error={err.username} hint="Letters, digits and . _ @ -">
          <input required maxLength={64} autoComplete="off" value={form.username} onChange={(e) => setForm((f) => ({ ...f, username: e.target.value }))} />
        </Field>
        <Field label="Role" error={err.role}>
          <select value={form.role} onChange={(e) => setForm((f) => ({ ...f, role: e.target.value }))}>
            {ROLES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </Field>
        <Field label="First password" error={err.password} hint="At least 12 characters">
          <input type="password" required autoComplete="new-password" maxLength={1024} value={form.password} onChange={(e) => setForm((f) => ({ ...f, password: e.target.value }))} />
        </Field>
      </div>
      <div aria-live="polite"><ErrorMessage error={create.error} />{done && <p className="small">{done}</p>}</div>
      <div className="row"><button type="submit" disabled={create.busy}>{create.busy ? 'Creating…' : 'Create user'}</button></div>
    </form>
  );
}
