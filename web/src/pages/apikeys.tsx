import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { ApiKey, CreatedApiKey } from '../api/admin-types.ts';
import { useActorNames } from '../api/actor-names.ts';
import { errorFor, useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { formatTime } from '../format.ts';

/** The scopes a key may carry, by area, as the API grants them (`area:*` is every scope of the area). */
const SCOPE_AREAS: readonly (readonly string[])[] = [
  ['kpi:read', 'kpi:write', 'kpi:execute', 'kpi:*'], ['alerts:read', 'alerts:write', 'alerts:*'], ['contacts:read', 'contacts:write', 'contacts:*'],
  ['datasources:read', 'datasources:write', 'datasources:*'], ['channels:read', 'channels:write', 'channels:*'], ['routing:read', 'routing:write', 'routing:*'], ['audit:read'], ['config:read', 'config:write', 'config:*'], ['admin:*'],
];

/** Keys for machines: create with scopes (the key is shown once), see their use, revoke. */
export function ApiKeysPage() {
  const keys = useResource((s) => api.get<{ items: ApiKey[] }>('apikey', {}, s), []);
  const who = useActorNames();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const revoke = useAction();
  const revokeKey = (k: ApiKey) => {
    if (!window.confirm(`Revoke the key ${k.name}? Requests with it fail from now on.`)) return;
    void revoke.run(async () => { await api.delete(`apikey/${encodeURIComponent(k.id)}`); keys.reload(); });
  };
  return (
    <section>
      <h1>API keys</h1>
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : <CreateKey onCreated={(k) => { setCreated(k); keys.reload(); }} />}
      <h2>Keys</h2>
      <ErrorMessage error={keys.error ?? revoke.error} />
      {!keys.data ? <Loading what="Loading the keys" /> : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">API keys</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Owner</th><th scope="col">Starts with</th><th scope="col">Scopes</th><th scope="col">Status</th>
              <th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Uses</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td><td>{who(k.owner)}</td><td><code>{k.prefix}…</code></td><td>{k.scopes.map((x) => <code key={x} className="scope">{x}</code>)}</td>
                  <td><span className={`badge key-${k.status}`}>{k.status}</span>{k.expiresAt && <div className="small muted">expires {formatTime(k.expiresAt)}</div>}</td>
                  <td>{formatTime(k.createdAt)}<div className="small muted">by {who(k.createdBy)}</div></td>
                  <td>{formatTime(k.lastUsedAt)}</td><td>{k.useCount}</td>
                  <td className="actions">
                    {k.status === 'active' && <button type="button" className="secondary" disabled={revoke.busy} onClick={() => revokeKey(k)} aria-label={`Revoke ${k.name}`}>Revoke</button>}
                    <HistoryLink type="apikey" id={k.id} name={k.name} />
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

function CreateKey({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [expires, setExpires] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const create = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async () => {
      const body = { name: name.trim(), scopes, ...(owner.trim() ? { owner: owner.trim() } : {}), ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}) };
      onCreated(await api.post<CreatedApiKey>('apikey', body));
    });
  };
  const err = create.fieldErrors;
  const scopeError = errorFor(err, 'scopes');
  return (
    <form className="card stack editor-card" aria-label="New API key" onSubmit={submit}>
      <h2>New API key</h2>
      <div className="form-grid">
        <Field label="Name" error={err.name}><input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} /></Field>
        <Field label="Owner" error={err.owner} hint="Default: you"><input maxLength={100} value={owner} onChange={(e) => setOwner(e.target.value)} /></Field>
        <Field label="Expires" error={err.expiresAt} hint="Empty: never"><input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} /></Field>
      </div>
      <fieldset className="choices scopes" aria-describedby={scopeError ? 'scopes-error' : undefined}>
        <legend>Scopes</legend>
        {SCOPE_AREAS.map((area) => (
          <div key={area[0]} className="row">
            {area.map((s) => (
              <label key={s} className="inline"><input type="checkbox" checked={scopes.includes(s)}
                onChange={(e) => setScopes((all) => (e.target.checked ? [...all, s] : all.filter((x) => x !== s)))} /> <code>{s}</code></label>
            ))}
          </div>
        ))}
        {scopeError && <span id="scopes-error" className="field-error">{scopeError}</span>}
      </fieldset>
      <ErrorMessage error={create.error} />
      <div className="row"><button type="submit" disabled={create.busy}>{create.busy ? 'Creating…' : 'Create key'}</button></div>
    </form>
  );
}

/** The key itself, this once: only its hash is stored, so it cannot be shown again. */
function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <section className="card stack new-key" aria-labelledby="new-key-heading" role="alert">
      <h2 id="new-key-heading">Key {created.name} created: copy it now</h2>
      <p>This is the only time the key is shown. Store it somewhere safe; send it as the <code>X-API-Key</code> header.</p>
      <code id="new-key-value" className="secret">{created.key}</code>
      <div className="row">
        <CopyButton text={created.key} label="Copy the key" targetId="new-key-value" />
        <button type="button" onClick={onDone}>I have stored it</button>
      </div>
    </section>
  );
}
