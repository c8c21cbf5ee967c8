import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import type { BacktestJob, RuleBacktest } from '../api/types.ts';
import { formatNumber, formatPercent, formatTime } from '../format.ts';
import { backtestColumns, edgeNotes, plural, seriesOf, windowsText, wouldHave } from './backtest-data.ts';
import { KpiChart } from './kpi-chart.tsx';

const POLL_MS = 1000;
const pathOf = (location: string) => location.replace(/^\/api\/v1\//, '');

/** A backtest job as it goes: polled while it runs (each poll a short call), cancelled on request. */
export function useBacktestJob(): { job: BacktestJob | null; follow: (job: BacktestJob | null) => void; cancel: () => Promise<void>; error: Error | null } {
  const [job, setJob] = useState<BacktestJob | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (job?.status !== 'running') return;
    const timer = setTimeout(() => {
      api.get<BacktestJob>(pathOf(job.location)).then(setJob, (e: Error) => setError(e));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);
  return {
    job, error,
    follow: (j) => { setError(null); setJob(j); },
    cancel: async () => { if (job) setJob(await api.delete<BacktestJob>(pathOf(job.location))); },
  };
}

function RuleSide({ title, rule, series, job, testId }: { title: string; rule: RuleBacktest; series: string; job: BacktestJob; testId: string }) {
  const columns = useMemo(() => backtestColumns(rule.points, series), [rule, series]);
  const alerts = rule.alerts.filter((a) => (a.series ?? '') === series);
  const window = { from: new Date(job.from!).getTime(), to: new Date(job.to!).getTime() };
  return (
    <div className="backtest-side" data-testid={testId}>
      <h4>{title}</h4>
      <p className="backtest-count">{plural(rule.counts.alerts, 'alert')} · {plural(rule.counts.messages, 'message')}
        <span className="muted small"> ({formatNumber(rule.counts.alertsPerWeek)} a week)</span></p>
      <KpiChart columns={columns} alerts={alerts} thresholds={{ min: null, max: null }} window={window}
        label={`${title}: ${columns[0].length} values with the band, ${alerts.length} alerts marked`} />
    </div>
  );
}

/** What a rule would have done: the sentence, the chart of value, band and would-be alerts, the current rule beside it. */
export function BacktestView({ job, onCancel }: { job: BacktestJob; onCancel: () => void }) {
  const points = job.points ?? [];
  const keys = seriesOf(points);
  const [series, setSeries] = useState('');
  const shown = keys.includes(series) ? series : keys[0] ?? '';
  if (job.status === 'running') {
    return (
      <section className="card backtest" aria-label="Backtest">
        <p>Replaying the past… {job.progress.done} of {job.progress.total || '?'} windows</p>
        <progress max={job.progress.total || 1} value={job.progress.done} />
        <button type="button" className="secondary" onClick={onCancel}>Stop the replay</button>
      </section>
    );
  }
  if (job.status === 'failed') return <section className="card backtest error-box" aria-label="Backtest">The backtest failed: {job.error}</section>;
  const days = job.days ?? 0;
  const rule: RuleBacktest = { alerts: job.alerts ?? [], counts: job.counts!, ranges: job.ranges ?? [], points };
  const edges = edgeNotes(rule.ranges);
  return (
    <section className="card backtest" aria-label="Backtest">
      <h3>The last {days} days replayed{job.status === 'cancelled' && ' (cancelled: only part of it)'}</h3>
      <p className="backtest-sentence">This rule {wouldHave(rule, days)}.</p>
      {job.current && <p className="backtest-current">The current rule {wouldHave(job.current, days)}.</p>}
      <p className="muted small">{windowsText(job)}{job.limitReached && ` · stopped at the limit of ${job.limitReached.replace('_', ' ')}`}</p>
      {edges.length > 0 && <ul className="small backtest-edges">{edges.map((e) => <li key={e}>{e}</li>)}</ul>}
      {keys.length > 1 && (
        <label>Series <select value={shown} onChange={(e) => setSeries(e.target.value)}>{keys.map((k) => <option key={k} value={k}>{k || '(single)'}</option>)}</select></label>
      )}
      <div className={job.current ? 'backtest-sides' : ''}>
        <RuleSide title={job.current ? 'Edited rule' : 'This rule'} rule={rule} series={shown} job={job} testId="backtest-edited" />
        {job.current && <RuleSide title="Current rule" rule={job.current} series={shown} job={job} testId="backtest-current" />}
      </div>
      {rule.alerts.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>Alerts this rule would have opened</caption>
            <thead><tr><th scope="col">Opened</th><th scope="col">Resolved</th><th scope="col">Series</th><th scope="col">Peak deviation</th><th scope="col">Why</th></tr></thead>
            <tbody>{rule.alerts.map((a) => (
              <tr key={a.id}><td>{formatTime(a.openedAt)}</td><td>{a.resolvedAt ? formatTime(a.resolvedAt) : 'still open'}</td><td>{a.series ?? '(single)'}</td>
                <td>{formatPercent(a.peakDeviationPercent)}</td><td>{a.why}</td></tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
