import type { BacktestJob, BacktestPoint, RuleBacktest } from '../api/types.ts';
import type { ChartColumns } from './chart-data.ts';

/** The series a backtest drew, in the order they first appear ('' = a single-value KPI). */
export const seriesOf = (points: readonly BacktestPoint[]): string[] => [...new Set(points.map((p) => p.series ?? ''))];

/** Chart columns of one series: the windows with a value, in time order. */
export function backtestColumns(points: readonly BacktestPoint[], series: string): ChartColumns {
  const mine = points.filter((p) => (p.series ?? '') === series && p.value !== null);
  return [
    mine.map((p) => new Date(p.at).getTime() / 1000),
    mine.map((p) => p.value),
    mine.map((p) => p.baseline),
    mine.map((p) => p.bandLow),
    mine.map((p) => p.bandHigh),
  ];
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "would have opened 3 alerts and sent 9 messages in the last 14 days" */
export const wouldHave = (r: Pick<RuleBacktest, 'counts'>, days: number): string =>
  `would have opened ${plural(r.counts.alerts, 'alert')} and sent ${plural(r.counts.messages, 'message')} in the last ${plural(days, 'day')}`;

const EDGE: Record<string, string> = {
  none: 'no data (no recorded value, and the query cannot be run for a past window)',
  not_run: 'not run (the backtest reached its limit)',
  failed: 'the query failed',
  insufficient_history: 'too little history to judge',
};

/** The honest edges: the stretches of windows that were not judged, and why. */
export function edgeNotes(ranges: RuleBacktest['ranges']): string[] {
  return ranges.filter((r) => EDGE[r.kind] !== undefined).map((r) =>
    `${new Date(r.from).toLocaleString()} – ${new Date(r.to).toLocaleString()}: ${EDGE[r.kind]} (${plural(r.windows, 'window')})`);
}

/** "672 windows: 600 from the history, 72 run on the source (88 queries)" */
export function windowsText(job: BacktestJob): string {
  const w = job.windows;
  if (!w) return '';
  const parts = [w.history > 0 && `${w.history} from the history`, w.source > 0 && `${w.source} run on the source`, w.none > 0 && `${w.none} without data`,
    w.notRun > 0 && `${w.notRun} not run`, w.failed > 0 && `${w.failed} failed`].filter(Boolean);
  return `${plural(w.total, 'window')}: ${parts.join(', ')} (${plural(job.sourceQueries ?? 0, 'source query', 'source queries')})`;
}
