import { useState } from 'react';
import type { AlertRoute } from '../api/admin-types.ts';
import { api } from '../api/client.ts';
import { matchText, moveChanges } from '../api/route-form.ts';
import type { Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { nameIn, namesIn, useNamed } from '../api/use-named.ts';
import { useResource } from '../api/use-resource.ts';
import { DefaultRouteForm } from '../components/default-route.tsx';
import type { RoutingOptions } from '../components/destination-fields.tsx';
import { HistoryLink } from '../components/history-link.tsx';
import { RouteEditor } from '../components/route-editor.tsx';
import { RouteTestForm } from '../components/route-test.tsx';
import { ErrorMessage } from '../components/status.tsx';

/**
 * Routing rules in the order they are tried (the first match decides, unless it says continue), the
 * default route for alerts no rule matched, and a test of where a KPI's alert would go.
 */
export function RoutesPage() {
  const routes = useResource((s) => api.get<Page<AlertRoute>>('routes', {}, s), []);
  const teams = useNamed('teams');
  const channels = useNamed('channels');
  const chains = useNamed('escalation-chains');
  const options: RoutingOptions = { teams: teams.data?.items ?? [], channels: channels.data?.items ?? [], chains: chains.data?.items ?? [] };
  const [editing, setEditing] = useState<AlertRoute | 'new' | null>(null);
  const change = useAction();
  const items = routes.data?.items ?? [];
  const del = (r: AlertRoute) => {
    if (!window.confirm(`Delete the route ${r.name}?`)) return;
    void change.run(async () => { await api.delete(`routes/${encodeURIComponent(r.id)}`); routes.reload(); });
  };
  // One PATCH when the API's gaps leave room, else the routes renumbered one by one (each with its own If-Match).
  const move = (index: number, by: -1 | 1) => void change.run(async () => {
    try {
      for (const c of moveChanges(items, index, by)) await api.patch(`routes/${encodeURIComponent(c.id)}`, { position: c.position }, c.version);
    } finally {
      routes.reload(); // a refusal (someone else changed one meanwhile) shows the order as it now is
    }
  });
  return (
    <section>
      <div className="page-head">
        <h1>Routes</h1>
        <button type="button" onClick={() => setEditing('new')}>New route</button>
      </div>
      <p className="muted small">Routes are tried from the top; the first that matches an alert sends it to its teams and channels, and later ones are tried only when it says “continue”.</p>
      {editing && (
        <RouteEditor key={editing === 'new' ? 'new' : editing.id} route={editing === 'new' ? null : editing} options={options}
          onClose={(saved) => { setEditing(null); if (saved) routes.reload(); }} />
      )}
      <ErrorMessage error={routes.error ?? change.error ?? teams.error ?? channels.error ?? chains.error} />
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Routes, in the order they are tried</caption>
          <thead><tr>
            <th scope="col">#</th><th scope="col">Name</th><th scope="col">Matches</th><th scope="col">Teams</th><th scope="col">Channels</th>
            <th scope="col">Escalation</th><th scope="col">Then</th><th scope="col"><span className="sr-only">Actions</span></th>
          </tr></thead>
          <tbody>
            {items.map((r, i) => (
              <tr key={r.id}>
                <td>{i + 1}</td>
                <td>{r.name}</td>
                <td className="wrap">{matchText(r.match)}</td>
                <td className="wrap">{namesIn(options.teams, r.teams)}</td>
                <td className="wrap">{namesIn(options.channels, r.channels)}</td>
                <td>{r.escalationChainId ? nameIn(options.chains, r.escalationChainId) : '—'}</td>
                <td>{r.continue ? 'continue' : 'stop'}</td>
                <td className="actions">
                  <button type="button" className="secondary" disabled={i === 0 || change.busy} onClick={() => move(i, -1)} aria-label={`Move ${r.name} up`}>Up</button>
                  <button type="button" className="secondary" disabled={i === items.length - 1 || change.busy} onClick={() => move(i, 1)} aria-label={`Move ${r.name} down`}>Down</button>
                  <button type="button" className="secondary" onClick={() => setEditing(r)} aria-label={`Edit ${r.name}`}>Edit</button>
                  <button type="button" className="secondary" onClick={() => del(r)} aria-label={`Delete ${r.name}`}>Delete</button>
                  <HistoryLink type="route" id={r.id} name={r.name} />
                </td>
              </tr>
            ))}
            {routes.data && items.length === 0 && <tr><td colSpan={8} className="muted">No routes yet: every alert takes the default route.</td></tr>}
          </tbody>
        </table>
      </div>
      <DefaultRouteForm options={options} />
      <RouteTestForm chains={options.chains} />
    </section>
  );
}
