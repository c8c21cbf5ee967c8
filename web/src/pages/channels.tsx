import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { CHANNEL_KINDS, type ChannelConfig, type ChannelKind, type ChannelTest } from '../api/admin-types.ts';
import { blankChannel, channelBodyOf, channelFormOf, KIND_FIELDS, KIND_LABELS, servesText, type ChannelForm } from '../api/channel-form.ts';
import type { Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { useFocusFirst } from '../components/use-focus-first.ts';

/** Where alerts go besides the contacts: PagerDuty, Opsgenie, Teams, Slack, Telegram, Discord, webhooks, mailboxes. */
export function ChannelsPage() {
  const channels = useResource((s) => api.get<Page<ChannelConfig>>('channels', {}, s), []);
  const [editing, setEditing] = useState<ChannelConfig | 'new' | null>(null);
  const remove = useAction();
  const del = (c: ChannelConfig) => {
    if (!window.confirm(`Delete the channel ${c.name}?`)) return;
    void remove.run(async () => { await api.delete(`channels/${encodeURIComponent(c.id)}`); channels.reload(); });
  };
  const items = channels.data?.items ?? [];
  return (
    <section>
      <div className="page-head">
        <h1>Channels</h1>
        <button type="button" onClick={() => setEditing('new')}>New channel</button>
      </div>
      <p className="muted small">Every alert of the KPIs a channel serves goes to it, besides the KPI's contacts. Keys, tokens and webhook URLs are stored encrypted and never shown again.</p>
      {editing && (
        <ChannelEditor key={editing === 'new' ? 'new' : editing.id} channel={editing === 'new' ? null : editing}
          onClose={(saved) => { setEditing(null); if (saved) channels.reload(); }} />
      )}
      <ErrorMessage error={channels.error ?? remove.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Channels</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Serves</th><th scope="col">Active</th><th scope="col">Test</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}{c.readOnly && <span className="muted small"> (configured)</span>}</td>
                <td>{KIND_LABELS[c.kind]}</td>
                <td className="wrap">{servesText(c)}</td>
                <td>{c.active ? 'yes' : 'no'}</td>
                <td><ChannelTestButton channel={c} /></td>
                <td className="actions">
                  {c.readOnly ? <span className="muted small">Set by environment variables</span> : <>
                    <button type="button" className="secondary" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>Edit</button>
                    <button type="button" className="secondary" onClick={() => del(c)} aria-label={`Delete ${c.name}`}>Delete</button>
                    <HistoryLink type="channel" id={c.id} name={c.name} />
                  </>}
                </td>
              </tr>
            ))}
            {channels.data && items.length === 0 && <tr><td colSpan={6} className="muted">No channels yet: alerts go to the KPIs' contacts only.</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Sends a test message now and says what the provider answered. */
function ChannelTestButton({ channel }: { channel: ChannelConfig }) {
  const [result, setResult] = useState<ChannelTest | null>(null);
  const test = useAction();
  const run = () => {
    setResult(null); // the answer shown is always this click's
    void test.run(async () => setResult(await api.post<ChannelTest>(`channels/${encodeURIComponent(channel.id)}/test`)));
  };
  return (
    <div className="stack tight">
      <button type="button" className="secondary" disabled={test.busy} onClick={run} aria-label={`Send a test message to ${channel.name}`}>
        {test.busy ? 'Sending…' : 'Send test'}
      </button>
      <div aria-live="polite" className="small connection-result">
        <ErrorMessage error={test.error} />
        {result && (result.ok
          ? <span className="ok-text">Test message sent</span>
          : <span className="error-text">Failed: {result.error}{result.retryAfterMs !== null && ` (asked to wait ${Math.ceil(result.retryAfterMs / 1000)} s)`}</span>)}
      </div>
    </div>
  );
}

function ChannelEditor({ channel, onClose }: { channel: ChannelConfig | null; onClose: (saved: boolean) => void }) {
  const [form, setForm] = useState<ChannelForm>(channel ? channelFormOf(channel) : blankChannel());
  const save = useAction();
  const formRef = useFocusFirst<HTMLFormElement>();
  const set = <K extends keyof ChannelForm>(name: K, value: ChannelForm[K]) => setForm((f) => ({ ...f, [name]: value }));
  const setSetting = (name: string, value: string) => setForm((f) => ({ ...f, settings: { ...f.settings, [name]: value } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      const body = channelBodyOf(form, channel);
      if (channel) await api.patch(`channels/${encodeURIComponent(channel.id)}`, body, channel.version);
      else await api.post('channels', body);
      onClose(true);
    });
  };
  const err = save.fieldErrors;
  const title = channel ? `Edit ${channel.name}` : 'New channel';
  return (
    <form ref={formRef} className="card stack editor-card" aria-label={title} onSubmit={submit}>
      <h2>{title}</h2>
      <div className="form-grid">
        <Field label="Name" error={err.name}><input required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} /></Field>
        <Field label="Kind" error={err.kind} hint={channel ? 'A channel keeps its kind' : undefined}>
          <select value={form.kind} disabled={channel !== null} onChange={(e) => setForm((f) => ({ ...f, kind: e.target.value as ChannelKind, settings: {} }))}>
            {CHANNEL_KINDS.map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}
          </select>
        </Field>
        {KIND_FIELDS[form.kind].map((field) => {
          const isSet = channel?.secrets[field.name] === true;
          return (
            <Field key={`${form.kind}-${field.name}`} label={field.label} error={err[`settings/${field.name}`]}
              hint={field.secret && isSet ? 'Set; leave empty to keep it' : field.hint}>
              <input type={field.secret ? 'password' : 'text'} autoComplete="off" maxLength={2048} required={field.required && !isSet && !(field.name in (channel?.settings ?? {}))}
                value={form.settings[field.name] ?? ''} onChange={(e) => setSetting(field.name, e.target.value)} />
            </Field>
          );
        })}
        <Field label="KPIs (optional)" error={err.kpis} hint="KPI ids or indicators, comma-separated; empty = not restricted by KPI">
          <input value={form.kpis} onChange={(e) => set('kpis', e.target.value)} />
        </Field>
        <Field label="Owners (optional)" error={err.owners} hint="KPI owners, comma-separated; empty = not restricted by owner">
          <input value={form.owners} onChange={(e) => set('owners', e.target.value)} />
        </Field>
      </div>
      <label className="inline"><input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} /> Active (receives alerts)</label>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy}>{save.busy ? 'Saving…' : 'Save channel'}</button>
        <button type="button" className="secondary" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </form>
  );
}
