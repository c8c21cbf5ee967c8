import { useEffect, useMemo } from 'react';
import { api } from '../api/client.ts';
import { useLiveReload } from '../api/use-live-reload.ts';
import type { Tile, TileStatus } from '../api/types.ts';
import { useResource } from '../api/use-resource.ts';
import { StatusBadge } from '../components/badge.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { formatNumber, formatPercent, formatRelative, STATUS_LABEL } from '../format.ts';
import { Link, navigate, type PageProps } from '../router.tsx';

const STATUSES: TileStatus[] = ['alerting', 'failing', 'breaching', 'ok', 'no_history', 'inactive'];
/** The live feed brings every run and alert at once; the poll covers a feed that is down or not allowed (viewers). */
const POLL_MS = 30_000;

/** The grid: a tile per KPI, most urgent first; filters live in the URL so a filtered grid can be shared. */
export function GridPage({ query }: PageProps) {
  const overview = useResource((signal) => api.get<{ items: Tile[] }>('kpis/overview', {}, signal), []);
  const live = useLiveReload(() => true, overview.reload, 500);
  useEffect(() => {
    const timer = setInterval(overview.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [overview.reload]);

  const filter = { owner: query.get('owner') ?? '', status: query.get('status') ?? '', priority: query.get('priority') ?? '' };
  const items = overview.data?.items ?? [];
  const owners = useMemo(() => [...new Set(items.map((t) => t.owner))].sort(), [items]);
  const shown = items
    .filter((t) => (!filter.owner || t.owner === filter.owner) && (!filter.status || t.status === filter.status) && (!filter.priority || String(t.priority) === filter.priority))
    .sort((a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status));
  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(name, value);
    else next.delete(name);
    navigate(`/?${next}`);
  };
  const alerting = items.filter((t) => t.status === 'alerting').length;

  return (
    <section>
      <div className="page-head">
        <h1>KPIs</h1>
        <Link to="/kpis/new" className="button">New KPI</Link>
      </div>
      <form className="filters row" aria-label="Filter KPIs" onSubmit={(e) => e.preventDefault()}>
        <label>Owner
          <select value={filter.owner} onChange={(e) => setFilter('owner', e.target.value)}>
            <option value="">All owners</option>
            {owners.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
        </label>
        <label>Status
          <select value={filter.status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">All statuses</option>
            {STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
          </select>
        </label>
        <label>Priority
          <select value={filter.priority} onChange={(e) => setFilter('priority', e.target.value)}>
            <option value="">All priorities</option>
            <option value="1">1 (SMS and email)</option>
            <option value="2">2 (email)</option>
          </select>
        </label>
        <p className="muted live-state">Live updates: {live === 'open' ? 'on' : live === 'refused' ? `off (needs audit:read); refreshed every ${POLL_MS / 1000} s` : live}</p>
      </form>
      <p role="status" aria-live="polite" className="sr-only">
        {overview.data ? `${shown.length} KPIs shown, ${alerting} alerting` : ''}
      </p>
      <ErrorMessage error={overview.error} />
      {overview.loading && !overview.data && <Loading what="Loading KPIs" />}
      {overview.data && items.length === 0 && <p>No KPIs yet. <Link to="/kpis/new">Create the first one</Link>.</p>}
      {items.length > 0 && shown.length === 0 && <p>No KPI matches these filters.</p>}
      <ul className="tiles" aria-label="KPIs">
        {shown.map((t) => <TileCard key={t.id} tile={t} />)}
      </ul>
    </section>
  );
}

function TileCard({ tile: t }: { tile: Tile }) {
  return (
    <li className={`tile status-${t.status}`}>
      <h2><Link to={`/kpis/${encodeURIComponent(t.id)}`}>{t.indicator}</Link></h2>
      <div className="tile-status"><StatusBadge status={t.status} />{t.key && <span className="muted">{t.key}</span>}</div>
      <dl className="figures">
        <div><dt>Last value</dt><dd>{formatNumber(t.lastValue)}</dd></div>
        <div><dt>Baseline</dt><dd>{formatNumber(t.baseline)}</dd></div>
        <div><dt>Deviation</dt><dd>{formatPercent(t.deviationPercent)}</dd></div>
      </dl>
      <Sparkline points={t.sparkline} />
      {t.status === 'failing' && t.lastError && <p className="tile-error">{t.lastError}</p>}
      <p className="muted small">
        {t.owner} · P{t.priority} · next run {formatRelative(t.nextRunAt)}
      </p>
    </li>
  );
}
