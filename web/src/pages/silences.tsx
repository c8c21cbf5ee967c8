import { api } from '../api/client.ts';
import { useActorNames } from '../api/actor-names.ts';
import type { Kpi, Page, Silence } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { usePages } from '../api/use-pages.ts';
import { useResource } from '../api/use-resource.ts';
import { StatusBadge } from '../components/badge.tsx';
import { MoreButton } from '../components/paging.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { formatTime } from '../format.ts';
import { Link, navigate, type PageProps } from '../router.tsx';
import { describeSilenceScope } from '../silence-times.ts';

const STATES = [['active', 'Active'], ['', 'All'], ['ended', 'Ended'], ['expired', 'Expired']] as const;

/** Every silence: what it matches, from when to when, who made it and why; the active ones can be ended here. */
export function SilencesPage({ query }: PageProps) {
  const state = query.get('state') ?? 'active';
  const rows = usePages((cursor, s) => api.get<Page<Silence>>('silences', { state, cursor, limit: 50 }, s), [state]);
  const kpis = useResource((s) => api.get<Page<Kpi>>('kpis', { limit: 500 }, s), []);
  const actor = useActorNames();
  const action = useAction();
  const kpiName = (id: string) => kpis.data?.items.find((k) => k.id === id)?.indicator ?? id;
  const end = (s: Silence) => void action.run(async () => {
    await api.delete(`silences/${encodeURIComponent(s.id)}`);
    rows.reload();
  });
  return (
    <section>
      <div className="page-head">
        <h1>Silences</h1>
        <Link to="/alerts" className="button secondary">Alerts</Link>
      </div>
      <form className="filters row" aria-label="Filter silences" onSubmit={(e) => e.preventDefault()}>
        <label>State
          <select value={state} onChange={(e) => navigate(`/silences?${new URLSearchParams({ state: e.target.value })}`)}>
            {STATES.map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
        </label>
      </form>
      <p className="muted small">While a silence is in force, the alerts it matches are recorded and nobody is notified; when it ends, those still firing are.</p>
      <div aria-live="polite"><ErrorMessage error={action.error} /></div>
      {rows.items.length === 0 && !rows.loading ? <p className="muted">No silences.</p> : (
        <div className="table-wrap">
          <table className="silences">
            <caption className="sr-only">Silences, newest first</caption>
            <thead>
              <tr><th scope="col">Matches</th><th scope="col">From</th><th scope="col">Until</th><th scope="col">State</th><th scope="col">By</th><th scope="col">Why</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {rows.items.map((s) => (
                <tr key={s.id}>
                  <td>{describeSilenceScope(s, kpiName)} <Link to={`/alerts?silenceId=${encodeURIComponent(s.id)}`} className="small">alerts</Link></td>
                  <td>{formatTime(s.startsAt)}</td>
                  <td>{formatTime(s.endsAt)}</td>
                  <td><StatusBadge status={s.state === 'active' ? (s.inForce ? 'silenced' : 'scheduled') : s.state} /></td>
                  <td>{actor(s.createdBy)}</td>
                  <td>{s.comment}</td>
                  <td>{s.state === 'active' && <button type="button" className="secondary" disabled={action.busy} onClick={() => end(s)} aria-label={`End silence ${s.comment}`}>End</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton pages={rows} noun="silence" />
    </section>
  );
}
