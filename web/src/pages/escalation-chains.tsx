import { useState, type FormEvent } from 'react';
import { blankChain, chainBodyOf, chainFormOf, stepsText, type ChainForm } from '../api/chain-form.ts';
import { api } from '../api/client.ts';
import type { EscalationChain, EscalationTargetType } from '../api/admin-types.ts';
import type { Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { nameIn, useNamed } from '../api/use-named.ts';
import { usePages } from '../api/use-pages.ts';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { MoreButton } from '../components/paging.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { StepsEditor, type TargetOptions } from '../components/steps-editor.tsx';
import { useFocusFirst } from '../components/use-focus-first.ts';

/** Escalation in steps ("the team by email now, by SMS after 10 minutes, the lead after 30"), stopped by acknowledgement or resolution. */
export function EscalationChainsPage() {
  const chains = usePages((cursor, s) => api.get<Page<EscalationChain>>('escalation-chains', { cursor, limit: 100 }, s), []);
  const teams = useNamed('teams');
  const contacts = useNamed('contacts');
  const channels = useNamed('channels');
  const options: TargetOptions = { team: teams.data?.items ?? [], contact: contacts.data?.items ?? [], channel: channels.data?.items ?? [] };
  const nameOf = (type: EscalationTargetType, id: string) => nameIn(options[type], id);
  const [editing, setEditing] = useState<EscalationChain | 'new' | null>(null);
  const remove = useAction();
  const del = (c: EscalationChain) => {
    if (!window.confirm(`Delete the escalation chain ${c.name}?`)) return;
    void remove.run(async () => { await api.delete(`escalation-chains/${encodeURIComponent(c.id)}`); chains.reload(); });
  };
  return (
    <section>
      <div className="page-head">
        <h1>Escalation chains</h1>
        <button type="button" onClick={() => setEditing('new')}>New escalation chain</button>
      </div>
      <p className="muted small">A route names a chain; each step notifies its targets once, at its time after the alert opened, until someone acknowledges or it resolves.</p>
      {editing && (
        <ChainEditor key={editing === 'new' ? 'new' : editing.id} chain={editing === 'new' ? null : editing} options={options}
          onClose={(saved) => { setEditing(null); if (saved) chains.reload(); }} />
      )}
      <ErrorMessage error={remove.error ?? teams.error ?? contacts.error ?? channels.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Escalation chains</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Steps</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {chains.items.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td className="wrap">{stepsText(c.steps, nameOf)}</td>
                <td className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>Edit</button>
                  <button type="button" className="secondary" onClick={() => del(c)} aria-label={`Delete ${c.name}`}>Delete</button>
                  <HistoryLink type="escalationchain" id={c.id} name={c.name} />
                </td>
              </tr>
            ))}
            {!chains.loading && !chains.error && chains.items.length === 0 && <tr><td colSpan={3} className="muted">No escalation chains yet.</td></tr>}
          </tbody>
        </table>
      </div>
      <MoreButton pages={chains} noun="escalation chain" />
    </section>
  );
}

function ChainEditor({ chain, options, onClose }: { chain: EscalationChain | null; options: TargetOptions; onClose: (saved: boolean) => void }) {
  const [form, setForm] = useState<ChainForm>(chain ? chainFormOf(chain) : blankChain());
  const save = useAction();
  const formRef = useFocusFirst<HTMLFormElement>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      if (chain) await api.patch(`escalation-chains/${encodeURIComponent(chain.id)}`, chainBodyOf(form), chain.version);
      else await api.post('escalation-chains', chainBodyOf(form));
      onClose(true);
    });
  };
  const title = chain ? `Edit ${chain.name}` : 'New escalation chain';
  return (
    <form ref={formRef} className="card stack editor-card" aria-label={title} onSubmit={submit}>
      <h2>{title}</h2>
      <Field label="Name" error={save.fieldErrors.name}>
        <input required maxLength={100} value={form.name} onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))} />
      </Field>
      <StepsEditor steps={form.steps} options={options} errors={save.fieldErrors} onChange={(steps) => setForm((f) => ({ ...f, steps }))} />
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy}>{save.busy ? 'Saving…' : 'Save escalation chain'}</button>
        <button type="button" className="secondary" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </form>
  );
}
