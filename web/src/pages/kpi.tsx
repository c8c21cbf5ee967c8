import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type ApiError } from '../api/client.ts';
import { alertsOf, auditOf, executionsSince, RANGES } from '../api/kpi-data.ts';
import { useLive } from '../api/live.ts';
import { grants, whoAmI } from '../api/me.ts';
import type { Alert, AuditEntry, Evaluation, ExecutionRecord, Kpi } from '../api/types.ts';
import { useResource } from '../api/use-resource.ts';
import { AuditHistory } from '../components/audit-history.tsx';
import { StatusBadge } from '../components/badge.tsx';
import { ExecutionsTable } from '../components/executions-table.tsx';
import { KpiChart } from '../components/kpi-chart.tsx';
import { KpiBacktest } from '../components/kpi-backtest.tsx';
import { RunResult } from '../components/run-result.tsx';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { formatNumber, formatPercent, formatRelative, formatTime } from '../format.ts';
import { Link, navigate, type PageProps } from '../router.tsx';
import { describeBand, describeRule } from '../rule-text.ts';

/** One KPI: chart against the recorded band, history, alerts, audit trail, run now and dry run. */
export function KpiPage({ params, query }: PageProps) {
  const id = params.id!;
  const range = RANGES.find((r) => r.value === query.get('range')) ?? RANGES[2];
  const kpi = useResource((s) => api.get<Kpi>(`kpis/${encodeURIComponent(id)}`, {}, s), [id]);
  const history = useResource((s) => executionsSince(id, new Date(Date.now() - range.ms), s), [id, range.ms]);
  const alerts = useResource((s) => alertsOf(id, s), [id]);
  // The audit trail is not a viewer's to read (audit:read): for them the section says so instead of a refusal.
  const audit = useResource(async (s) => (grants(await whoAmI(), 'audit:read') ? auditOf('kpi', id, s) : null), [id]);
  const reloadAll = () => [kpi, history, alerts, audit].forEach((r) => r.reload());
  // The feed's messages are audit entries. The audit table is filled by its own subscription, which may
  // lag the feed, so an entry of this KPI is added from the message itself; the rest commit with the event.
  const [liveEntries, setLiveEntries] = useState<AuditEntry[]>([]);
  useLive((m) => {
    const entry = m.data as Partial<AuditEntry> | null;
    if (m.kind === 'alert') alerts.reload(); // an alert's entries name the alert, not its KPI
    if (m.kind === 'execution' && (m.data as { kpiId?: string } | null)?.kpiId === id) return [kpi, history].forEach((r) => r.reload());
    if (entry?.entityId !== id) return;
    if (m.kind === 'audit' && entry.entityType === 'kpi' && typeof entry.position === 'number') setLiveEntries((l) => [entry as AuditEntry, ...l]);
    [kpi, history, alerts].forEach((r) => r.reload());
  });
  useEffect(() => {
    // Runs arrive as `execution` messages; a minute's look covers a feed that was down in between.
    const timer = setInterval(() => [kpi, history].forEach((r) => r.reload()), 60_000);
    return () => clearInterval(timer);
  }, [kpi.reload, history.reload]); // stable functions: the timer is set once
  const auditEntries = useMemo(() => mergeEntries(audit.data ?? [], liveEntries), [audit.data, liveEntries]);
  useCatchUp(audit.data === null ? undefined : kpi.data?.version, auditEntries, audit.reload);

  const rows = history.data?.rows ?? [];
  const keys = useMemo(() => [...new Set(rows.map((r) => r.key ?? ''))].sort(), [rows]);
  const [chosenKey, setKey] = useState<string | null>(null);
  const key = chosenKey ?? headlineKey(rows);
  const keyRows = useMemo(() => rows.filter((r) => (r.key ?? '') === key), [rows, key]);
  // The range ends when its history was loaded: a render in between does not move (and redraw) the chart.
  const since = useMemo(() => Date.now() - range.ms, [history.data, range.ms]);
  // Memoised: a new array on every render would destroy and redraw the chart (and the reader's zoom) each time.
  const alertsInRange = useMemo(() => (alerts.data ?? []).filter((a) => (a.key ?? '') === key && (new Date(a.openedAt).getTime() >= since || a.status !== 'resolved')),
    [alerts.data, key, since]);

  // A failed reload (the service restarting, a dropped connection) keeps the page, with its error above it.
  if (kpi.error && !kpi.data) return <section><h1>KPI</h1><ErrorMessage error={kpi.error} /></section>;
  if (!kpi.data) return <Loading what="Loading the KPI" />;
  const k = kpi.data;
  const latest = keyRows[0];
  const rule = describeRule({ ...k, min: k.minThreshold, max: k.maxThreshold, combine: k.thresholdCombine });
  return (
    <section>
      <div className="page-head">
        <h1>{k.indicator}</h1>
        <div className="row">
          <Link to={`/kpis/${encodeURIComponent(id)}/edit`} className="button secondary">Edit</Link>
        </div>
      </div>
      <p className="muted">
        {k.owner} · priority {k.priority} · {k.cron ? `cron ${k.cron} (${k.timezone})` : `every ${k.frequencyMinutes} min`} · window {k.lastMinutes} min ·
        rule: <span className="rule">{rule}</span> · {k.active ? 'active' : 'inactive'} · next run {formatRelative(k.nextRunAt)}
      </p>
      <KpiLabels labels={k.labels} />
      <dl className="figures wide" aria-label="Latest run">
        <div><dt>Last status</dt><dd><StatusBadge status={k.lastStatus} /></dd></div>
        <div><dt>Last value</dt><dd>{formatNumber(latest?.value ?? k.lastValue)}</dd></div>
        <div><dt>Baseline</dt><dd>{formatNumber(latest?.baseline)}</dd></div>
        <div><dt>Deviation</dt><dd>{formatPercent(latest?.deviationPercent)}</dd></div>
        <div><dt>Band</dt><dd>{describeBand(latest?.band)}</dd></div>
        <div><dt>Last run</dt><dd>{formatTime(k.lastRunAt)}</dd></div>
      </dl>
      <ErrorMessage error={kpi.error} />
      <RunButtons id={id} onRecorded={reloadAll} />

      <h2 id="chart-heading">Values against the baseline and band</h2>
      <div className="row">
        <label>Range
          <select value={range.value} onChange={(e) => navigate(`/kpis/${encodeURIComponent(id)}?range=${e.target.value}`)}>
            {RANGES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
          </select>
        </label>
        {keys.length > 1 && (
          <label>Series
            <select value={key} onChange={(e) => setKey(e.target.value)}>
              {keys.map((x) => <option key={x} value={x}>{x || '(single)'}</option>)}
            </select>
          </label>
        )}
      </div>
      <ErrorMessage error={history.error} />
      {history.data && (
        <KpiChart window={{ from: since, to: since + range.ms }} rows={keyRows} alerts={alertsInRange} thresholds={{ min: k.minThreshold, max: k.maxThreshold }}
          label={`${k.indicator}: ${keyRows.length} values in the ${range.label.toLowerCase()} with the band each was judged against, ${alertsInRange.length} alerts marked`} />
      )}
      <p className="muted small legend-note">Shaded: the band each run was judged against, as recorded (today's rule: {rule}); a side without a limit is not drawn.
        Dashed red lines: alerts opened; green: resolved.
        {(k.minThreshold !== null || k.maxThreshold !== null) && ' Solid orange lines: the absolute thresholds (when in view).'}
        {history.data?.truncated && ' Only the newest 3,000 executions are shown; choose a shorter range for all.'}</p>

      <KpiBacktest id={id} />

      <h2>Alerts</h2>
      <ErrorMessage error={alerts.error} />
      <AlertsTable alerts={alerts.data ?? []} />

      <h2>Executions</h2>
      <ExecutionsTable rows={rows} />

      <h2>History of changes</h2>
      <ErrorMessage error={audit.error} />
      {audit.data === null ? <p className="muted">Reading the history needs the audit:read scope.</p> : <AuditHistory entries={auditEntries} />}
    </section>
  );
}

function RunButtons({ id, onRecorded }: { id: string; onRecorded: () => void }) {
  const [result, setResult] = useState<Evaluation | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState<'run' | 'dry' | null>(null);
  async function run(dryRun: boolean) {
    setBusy(dryRun ? 'dry' : 'run');
    setError(null);
    try {
      setResult(await api.post<Evaluation>(`kpis/${encodeURIComponent(id)}/execute${dryRun ? '?dryRun=true' : ''}`));
      if (!dryRun) onRecorded();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(null);
    }
  }
  return (
    <div className="stack">
      <div className="row">
        <button type="button" onClick={() => void run(false)} disabled={busy !== null}>{busy === 'run' ? 'Running…' : 'Run now'}</button>
        <button type="button" className="secondary" onClick={() => void run(true)} disabled={busy !== null}>{busy === 'dry' ? 'Running…' : 'Dry run'}</button>
      </div>
      <div aria-live="polite">
        <ErrorMessage error={error} />
        {result && <RunResult result={result} title={result.dryRun ? 'Dry run (nothing recorded)' : 'Run recorded'} />}
      </div>
    </div>
  );
}

function AlertsTable({ alerts }: { alerts: readonly Alert[] }) {
  if (alerts.length === 0) return <p className="muted">No alerts.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead><tr><th scope="col">Opened</th><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Series</th><th scope="col">Value</th><th scope="col">Subject</th></tr></thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id}>
              <td>{formatTime(a.openedAt)}</td><td><StatusBadge status={a.status} /></td><td>{a.severity}</td><td>{a.key || '—'}</td>
              <td>{formatNumber(a.value)}</td><td><Link to={`/alerts/${encodeURIComponent(a.id)}`}>{a.subject}</Link></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Loaded and live entries, each once, newest first. */
function mergeEntries(loaded: readonly AuditEntry[], live: readonly AuditEntry[]): AuditEntry[] {
  const byPosition = new Map([...loaded, ...live].map((e) => [e.position, e]));
  return [...byPosition.values()].sort((a, b) => b.position - a.position);
}

/**
 * The audit trail is a projection that trails the KPI's own table by a moment: while the KPI's version is
 * ahead of its newest entry (say, just after saving it), look again, twice a second for up to ten seconds.
 */
function useCatchUp(version: number | undefined, entries: readonly AuditEntry[], reload: () => void): void {
  const tries = useRef(0);
  const newest = Math.max(0, ...entries.map((e) => e.entityVersion));
  useEffect(() => {
    if (version === undefined || newest >= version || tries.current >= 20) return;
    tries.current += 1;
    const timer = setTimeout(reload, 500);
    return () => clearTimeout(timer);
  }, [version, newest, entries, reload]);
}

/** The series shown first, as on the grid: the latest run's first breaching one, else its first. */
function headlineKey(rows: readonly ExecutionRecord[]): string {
  const latest = rows.filter((r) => r.runId === rows[0]?.runId).reverse();
  return (latest.find((r) => r.outcome === 'breach') ?? latest[0])?.key ?? '';
}

/** The KPI's labels as chips (`team=payments`): what routes match on. */
function KpiLabels({ labels }: { labels: Readonly<Record<string, string>> | undefined }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return null;
  return (
    <ul className="labels" aria-label="Labels">
      {entries.map(([name, value]) => <li key={name}><span className="label-name">{name}</span>=<span className="label-value">{value}</span></li>)}
    </ul>
  );
}
