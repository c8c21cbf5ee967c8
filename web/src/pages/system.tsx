import { useEffect } from 'react';
import { api } from '../api/client.ts';
import type { Health, SchedulerStatus } from '../api/admin-types.ts';
import { useResource } from '../api/use-resource.ts';
import { ErrorMessage, Loading } from '../components/status.tsx';
import { formatNumber, formatRelative, formatTime } from '../format.ts';
import { Link } from '../router.tsx';

const REFRESH_MS = 10_000;
const kpiLink = (r: { kpiId: string; indicator: string }) => <Link to={`/kpis/${encodeURIComponent(r.kpiId)}`}>{r.indicator}</Link>;

/** Every health component with its detail (the public /health/ready gives one aggregate status). */
const readHealth = (signal: AbortSignal): Promise<Health> => api.get<Health>('health', {}, signal);

/** The service's own state: health components, scheduler nodes, running and stuck executions, the queue. Refreshes every 10 s. */
export function SystemPage() {
  const health = useResource(readHealth, []);
  const status = useResource((s) => api.get<SchedulerStatus>('scheduler/status', {}, s), []);
  useEffect(() => {
    const timer = setInterval(() => { health.reload(); status.reload(); }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [health.reload, status.reload]);
  const st = status.data;
  const now = st ? new Date(st.now).getTime() : Date.now();
  const stuck = (st?.running ?? []).filter((r) => r.leaseUntil !== null && new Date(r.leaseUntil).getTime() < now);
  return (
    <section>
      <h1>System</h1>
      <h2>Health {health.data && <span className={`badge health-${health.data.status}`}>{health.data.status}</span>}</h2>
      <ErrorMessage error={health.error} />
      {health.data ? (
        <ul className="health-list">
          {Object.entries(health.data.components).map(([name, c]) => (
            <li key={name}><span className={`badge health-${c.status}`}>{c.status}</span> <strong>{name}</strong> <span className="muted">{c.detail}</span></li>
          ))}
        </ul>
      ) : <Loading what="Checking health" />}

      <ErrorMessage error={status.error} />
      {!st ? <Loading what="Loading the scheduler" /> : (
        <>
          <h2>Scheduler nodes</h2>
          <div className="table-wrap"><table>
            <caption className="sr-only">Scheduler nodes and their heartbeats</caption>
            <thead><tr><th scope="col">Node</th><th scope="col">Alive</th><th scope="col">Role</th><th scope="col">Host (pid)</th><th scope="col">Started</th>
              <th scope="col">Heartbeat</th><th scope="col">Running</th><th scope="col">Counters</th></tr></thead>
            <tbody>
              {st.nodes.map((n) => (
                <tr key={n.nodeId}>
                  <td>{n.nodeId}</td><td><span className={`badge health-${n.alive ? 'up' : 'down'}`}>{n.alive ? 'alive' : 'silent'}</span></td>
                  <td>{n.role}</td><td>{n.hostname} ({n.pid})</td><td>{formatTime(n.startedAt)}</td><td>{formatRelative(n.heartbeatAt, now)}</td><td>{n.running}</td>
                  <td className="small wrap">{Object.entries(n.counters).map(([k, v]) => `${k} ${v}`).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
          {st.nodes.length === 0 && <p className="muted">No scheduler node has reported.</p>}

          <h2>Running executions ({st.running.length}, {stuck.length} past their lease)</h2>
          {st.running.length === 0 ? <p className="muted">Nothing running.</p> : (
            <div className="table-wrap"><table>
              <caption className="sr-only">Running executions; a lease in the past means stuck</caption>
              <thead><tr><th scope="col">KPI</th><th scope="col">Slot</th><th scope="col">Node</th><th scope="col">Since</th><th scope="col">Lease until</th><th scope="col">Attempt</th></tr></thead>
              <tbody>
                {st.running.map((r) => (
                  <tr key={`${r.kpiId}-${r.slot}`} className={stuck.includes(r) ? 'stuck' : undefined}>
                    <td>{kpiLink(r)}{stuck.includes(r) && <> <span className="badge stuck">Stuck</span></>}</td><td>{formatTime(r.slot)}</td><td>{r.node ?? '—'}</td>
                    <td>{formatRelative(r.since, now)}</td><td>{formatTime(r.leaseUntil)}</td><td>{r.attempt}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}

          <ExecutionFigures names={new Map(st.nextRuns.map((r) => [r.kpiId, r.indicator]))} />
          <h2>Queue: {st.queue.due} due</h2>
          {st.queue.oldest.length > 0 && <ul>{st.queue.oldest.map((q) => <li key={q.kpiId}>{kpiLink(q)} due {formatRelative(q.dueAt, now)}</li>)}</ul>}
          <h2>Next runs</h2>
          {st.nextRuns.length === 0 ? <p className="muted">No active KPI.</p> : (
            <ul>{st.nextRuns.map((r) => <li key={r.kpiId}>{kpiLink(r)} {formatRelative(r.nextRunAt, now)} ({formatTime(r.nextRunAt)})</li>)}</ul>
          )}
        </>
      )}
    </section>
  );
}

interface ExecutionStatistics {
  readonly items: readonly { kpiId: string; runs: number; successRate: number; p50DurationMs: number; p95DurationMs: number; lastRunAt: string; lastError: string | null }[];
}

/** The last 24 hours per KPI: runs, success rate, p50/p95 duration and the last error. */
function ExecutionFigures({ names }: { names: ReadonlyMap<string, string> }) {
  const stats = useResource((s) => api.get<ExecutionStatistics>('executions/statistics', {}, s), []);
  if (!stats.data) return <ErrorMessage error={stats.error} />;
  return (
    <>
      <h2>Executions in the last 24 hours</h2>
      {stats.data.items.length === 0 ? <p className="muted">No runs.</p> : (
        <div className="table-wrap"><table>
          <caption className="sr-only">Executions per KPI in the last 24 hours</caption>
          <thead><tr><th scope="col">KPI</th><th scope="col">Runs</th><th scope="col">Success</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">Last run</th><th scope="col">Last error</th></tr></thead>
          <tbody>
            {stats.data.items.map((r) => (
              <tr key={r.kpiId}>
                <td>{kpiLink({ kpiId: r.kpiId, indicator: names.get(r.kpiId) ?? r.kpiId })}</td><td>{r.runs}</td><td>{formatNumber(r.successRate)}%</td>
                <td>{formatNumber(r.p50DurationMs)} ms</td><td>{formatNumber(r.p95DurationMs)} ms</td><td>{formatTime(r.lastRunAt)}</td><td className="cell-error">{r.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </>
  );
}
