import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { useLiveReload } from '../api/use-live-reload.ts';
import type { Alert, Kpi, Page } from '../api/types.ts';
import { useAction } from '../api/use-action.ts';
import { usePages } from '../api/use-pages.ts';
import { useResource } from '../api/use-resource.ts';
import { StatusBadge } from '../components/badge.tsx';
import { MoreButton } from '../components/paging.tsx';
import { ErrorMessage } from '../components/status.tsx';
import { formatNumber, formatPercent, formatTime, STATUS_LABEL } from '../format.ts';
import { Link, navigate, type PageProps } from '../router.tsx';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** The alert log: filters in the URL, newest first, bulk resolve, live as alerts open and change. */
export function AlertsPage({ query }: PageProps) {
  const filter = { status: query.get('status') ?? '', severity: query.get('severity') ?? '', kpiId: query.get('kpiId') ?? '', silenceId: query.get('silenceId') ?? '' };
  const kpis = useResource((s) => api.get<Page<Kpi>>('kpis', { limit: 500 }, s), []);
  const alerts = usePages((cursor, s) => api.get<Page<Alert>>('alerts', { ...filter, cursor, limit: 50 }, s), [filter.status, filter.severity, filter.kpiId, filter.silenceId]);
  useLiveReload((m) => m.kind === 'alert', alerts.reload);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    setSelected(new Set());
    navigate(`/alerts?${next}`);
  };
  const toggle = (id: string, on: boolean) => setSelected((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });
  const resolvable = alerts.items.filter((a) => a.status !== 'resolved');

  return (
    <section>
      <div className="page-head">
        <h1>Alerts</h1>
        <div className="row">
          <Link to="/silences" className="button secondary">Silences</Link>
          <Link to="/notifications" className="button secondary">Deliveries and dead letters</Link>
        </div>
      </div>
      <form className="filters row" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <label>Status
          <select value={filter.status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">All statuses</option>
            {ALERT_STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
          </select>
        </label>
        <label>Severity
          <select value={filter.severity} onChange={(e) => setFilter('severity', e.target.value)}>
            <option value="">All severities</option>
            {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>KPI
          <select value={filter.kpiId} onChange={(e) => setFilter('kpiId', e.target.value)}>
            <option value="">All KPIs</option>
            {(kpis.data?.items ?? []).map((k) => <option key={k.id} value={k.id}>{k.indicator}</option>)}
          </select>
        </label>
      </form>
      <AlertFigures kpiId={filter.kpiId} list={alerts.items} />
      <BulkResolve available={resolvable.length > 0} ids={[...selected].filter((id) => resolvable.some((a) => a.id === id))}
        onDone={() => { setSelected(new Set()); alerts.reload(); }} />
      {alerts.items.length === 0 && !alerts.loading ? <p className="muted">No alerts match.</p> : (
        <div className="table-wrap">
          <table className="alerts">
            <caption className="sr-only">Alerts, newest first</caption>
            <thead>
              <tr><th scope="col"><span className="sr-only">Select</span></th><th scope="col">Opened</th><th scope="col">Status</th><th scope="col">Severity</th>
                <th scope="col">KPI</th><th scope="col">Series</th><th scope="col">Value</th><th scope="col">Baseline</th><th scope="col">Deviation</th><th scope="col">Subject</th></tr>
            </thead>
            <tbody>
              {alerts.items.map((a) => (
                <tr key={a.id}>
                  <td>{a.status !== 'resolved' && (
                    <input type="checkbox" aria-label={`Select alert ${a.subject}`} checked={selected.has(a.id)} onChange={(e) => toggle(a.id, e.target.checked)} />
                  )}</td>
                  <td>{formatTime(a.openedAt)}</td>
                  <td><StatusBadge status={a.status} />{a.silenceId && <> <StatusBadge status="silenced" /></>}</td>
                  <td><span className={`severity ${a.severity}`}>{a.severity}</span></td>
                  <td><Link to={`/kpis/${encodeURIComponent(a.kpiId)}`}>{a.indicator}</Link></td>
                  <td>{a.key || '—'}</td>
                  <td>{formatNumber(a.value)}</td>
                  <td>{formatNumber(a.baseline)}</td>
                  <td>{formatPercent(a.deviationPercent)}</td>
                  <td><Link to={`/alerts/${encodeURIComponent(a.id)}`}>{a.subject || a.id}</Link></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton pages={alerts} noun="alert" />
    </section>
  );
}

/** Resolve the selected alerts with one note; shown while the list has alerts to resolve, and after, to say how it went. */
function BulkResolve({ available, ids, onDone }: { available: boolean; ids: string[]; onDone: () => void }) {
  const [note, setNote] = useState('');
  const [result, setResult] = useState<{ resolved: string[]; skipped: { id: string; reason: string }[] } | null>(null);
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      setResult(await api.post('alerts/resolve', { ids, ...(note ? { note } : {}) }));
      setNote('');
      onDone();
    });
  };
  if (!available && !result && !action.error) return null;
  return (
    <form className="card row bulk" aria-label="Resolve selected alerts" onSubmit={submit}>
      {available && (
        <>
          <label className="grow">Note for the selected alerts
            <input value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} placeholder="Why they are resolved (optional)" />
          </label>
          <button type="submit" disabled={ids.length === 0 || action.busy}>Resolve {ids.length} selected</button>
        </>
      )}
      <div aria-live="polite" className="grow">
        <ErrorMessage error={action.error} />
        {result && <p className="small">{result.resolved.length} resolved{result.skipped.length > 0 && `; skipped: ${result.skipped.map((s) => `${s.id} (${s.reason})`).join(', ')}`}.</p>}
      </div>
    </form>
  );
}

interface AlertStatistics {
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly meanSecondsToAcknowledge: number | null;
  readonly meanSecondsToResolve: number | null;
}

const duration = (s: number | null): string =>
  s === null ? '—' : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${formatNumber(s / 3600)} h`;

/** Counts by status and the mean times to acknowledge and resolve (for the chosen KPI, or all). */
function AlertFigures({ kpiId, list }: { kpiId: string; list: unknown }) {
  const stats = useResource((s) => api.get<AlertStatistics>('alerts/statistics', { kpiId }, s), [kpiId, list]); // again whenever the list below reloads
  if (!stats.data) return null;
  const d = stats.data;
  return (
    <dl className="figures wide" aria-label="Alert figures">
      {ALERT_STATUSES.map((st) => <div key={st}><dt>{STATUS_LABEL[st]}</dt><dd>{d.byStatus[st] ?? 0}</dd></div>)}
      <div><dt>Mean time to acknowledge</dt><dd>{duration(d.meanSecondsToAcknowledge)}</dd></div>
      <div><dt>Mean time to resolve</dt><dd>{duration(d.meanSecondsToResolve)}</dd></div>
    </dl>
  );
}
