import { useEffect, useState, type FormEvent } from 'react';
import type { DefaultRoute } from '../api/admin-types.ts';
import { api } from '../api/client.ts';
import { useAction } from '../api/use-action.ts';
import { useResource } from '../api/use-resource.ts';
import { DestinationFields, type Destination, type RoutingOptions } from './destination-fields.tsx';
import { ErrorMessage } from './status.tsx';

const destinationOf = (d: DefaultRoute): Destination => ({ teams: [...d.teams], channels: [...d.channels], escalationChainId: d.escalationChainId ?? '' });

/** Where an alert goes when no route matched (GET and PUT /routes/default). */
export function DefaultRouteForm({ options }: { options: RoutingOptions }) {
  const saved = useResource((s) => api.get<DefaultRoute>('routes/default', {}, s), []);
  const [form, setForm] = useState<Destination>({ teams: [], channels: [], escalationChainId: '' });
  const [done, setDone] = useState(false);
  useEffect(() => { if (saved.data) setForm(destinationOf(saved.data)); }, [saved.data]);
  const save = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    void save.run(async () => {
      await api.put('routes/default', { teams: form.teams, channels: form.channels, escalationChainId: form.escalationChainId || null });
      setDone(true);
      saved.reload();
    });
  };
  return (
    <form className="card stack editor-card" aria-label="Default route" onSubmit={submit}>
      <h2>Default route</h2>
      <p className="muted small">Used only when no route above matched. The KPI's own contacts and the channels serving it are told in any case.</p>
      <ErrorMessage error={saved.error} />
      <DestinationFields value={form} onChange={(d) => { setForm(d); setDone(false); }} options={options} errors={save.fieldErrors} />
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" disabled={save.busy || !saved.data}>{save.busy ? 'Saving…' : 'Save default route'}</button>
        <span aria-live="polite" className="small ok-text">{done ? 'Saved' : ''}</span>
      </div>
    </form>
  );
}
