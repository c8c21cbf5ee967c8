import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import type { Team } from '../api/admin-types.ts';
import type { Named, Page } from '../api/types.ts';
import { errorFor, useAction } from '../api/use-action.ts';
import { namesIn, useNamed } from '../api/use-named.ts';
import { usePages } from '../api/use-pages.ts';
import { ChoiceList } from '../components/choice-list.tsx';
import { Field } from '../components/field.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { MoreButton } from '../components/paging.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { useFocusFirst } from '../components/use-focus-first.ts';

interface TeamForm { name: string; description: string; members: string[]; channels: string[] }
const blank: TeamForm = { name: '', description: '', members: [], channels: [] };
const formOf = (t: Team): TeamForm => ({ name: t.name, description: t.description ?? '', members: [...t.members], channels: [...t.channels] });
const bodyOf = (f: TeamForm) => ({ name: f.name.trim(), description: f.description.trim() || null, members: f.members, channels: f.channels });

/** Groups of contacts with their channels: what routes and escalation chains send alerts to. */
export function TeamsPage() {
  const teams = usePages((cursor, s) => api.get<Page<Team>>('teams', { cursor, limit: 100 }, s), []);
  const contacts = useNamed('contacts');
  const channels = useNamed('channels');
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const remove = useAction();
  const del = (t: Team) => {
    if (!window.confirm(`Delete the team ${t.name}?`)) return;
    void remove.run(async () => { await api.delete(`teams/${encodeURIComponent(t.id)}`); teams.reload(); });
  };
  return (
    <section>
      <div className="page-head">
        <h1>Teams</h1>
        <button type="button" onClick={() => setEditing('new')}>New team</button>
      </div>
      <p className="muted small">A team is told about the alerts its routes send it: every member by their contact details, and the team's channels.</p>
      {editing && (
        <TeamEditor key={editing === 'new' ? 'new' : editing.id} team={editing === 'new' ? null : editing}
          contacts={contacts.data?.items ?? []} channels={channels.data?.items ?? []}
          onClose={(saved) => { setEditing(null); if (saved) teams.reload(); }} />
      )}
      <ErrorMessage error={remove.error ?? contacts.error ?? channels.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Teams</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Members</th><th scope="col">Channels</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {teams.items.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="wrap">{t.description ?? '—'}</td>
                <td className="wrap">{namesIn(contacts.data?.items, t.members)}</td>
                <td className="wrap">{namesIn(channels.data?.items, t.channels)}</td>
                <td className="actions">
                  <button type="button" className="secondary" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>Edit</button>
                  <button type="button" className="secondary" onClick={() => del(t)} aria-label={`Delete ${t.name}`}>Delete</button>
                  <HistoryLink type="team" id={t.id} name={t.name} />
                </td>
              </tr>
            ))}
            {!teams.loading && !teams.error && teams.items.length === 0 && <tr><td colSpan={5} className="muted">No teams yet.</td></tr>}
          </tbody>
        </table>
      </div>
      <MoreButton pages={teams} noun="team" />
    </section>
  );
}

function TeamEditor({ team, contacts, channels, onClose }: {
  team: Team | null; contacts: readonly Named[]; channels: readonly Named[]; onClose: (saved: boolean) => void;
}) {
  const [form, setForm] = useState<TeamForm>(team ? formOf(team) : blank);
  const save = useAction();
  const formRef = useFocusFirst<HTMLFormElement>();
  const set = <K extends keyof TeamForm>(name: K, value: TeamForm[K]) => setForm((f) => ({ ...f, [name]: value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run(async () => {
      if (team) await api.patch(`teams/${encodeURIComponent(team.id)}`, bodyOf(form), team.version);
      else await api.post('teams', bodyOf(form));
      onClose(true);
    });
  };
  const err = save.fieldErrors;
  const title = team ? `Edit ${team.name}` : 'New team';
  return (
    <form ref={formRef} className="card stack editor-card" aria-label={title} onSubmit={submit}>
      <h2>{title}</h2>
      <div className="form-grid">
        <Field label="Name" error={err.name}><input required maxLength={100} value={form.name} onChange={(e) => set('name', e.target.value)} /></Field>
        <Field label="Description (optional)" error={err.description}>
          <input maxLength={1000} value={form.description} onChange={(e) => set('description', e.target.value)} />
        </Field>
      </div>
      <ChoiceList legend="Members" options={contacts} chosen={form.members} onChange={(ids) => set('members', ids)} error={errorFor(err, 'members')} empty="No contacts yet." />
      <ChoiceList legend="Channels" options={channels} chosen={form.channels} onChange={(ids) => set('channels', ids)} error={errorFor(err, 'channels')} empty="No channels yet." />
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy}>{save.busy ? 'Saving…' : 'Save team'}</button>
        <button type="button" className="secondary" onClick={() => onClose(false)}>Cancel</button>
      </div>
    </form>
  );
}
