// How a KPI's rule, a recorded band, what it stood on, and a breach reason read on screen, in one place.
import type { Band, Basis, BreachReason, Sensitivity } from './api/types.ts';
import { formatNumber, formatPercent } from './format.ts';

/** The judgement fields of a KPI, or of an alert's `thresholds` (which carry no direction or combine). */
export interface RuleFields {
  readonly sensitivity: Sensitivity | null;
  readonly deviationPercent: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly direction?: 'drop' | 'spike' | 'both';
  readonly combine?: 'any' | 'all';
}

const DIRECTION: Record<string, string> = { drop: 'drops only', spike: 'spikes only', both: '' };

/** "adaptive band, medium sensitivity, drops only; below 80": what breaches, in words. */
export function describeRule(r: RuleFields): string {
  const relative = [
    r.sensitivity !== null ? `adaptive band, ${r.sensitivity} sensitivity` : '',
    r.deviationPercent !== null ? `±${formatNumber(r.deviationPercent)}% from the baseline` : '',
  ].filter(Boolean).join(' and ');
  const side = r.direction ? DIRECTION[r.direction] : '';
  const parts = [
    relative && side ? `${relative}, ${side}` : relative,
    r.min !== null ? `below ${formatNumber(r.min)}` : '',
    r.max !== null ? `above ${formatNumber(r.max)}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return 'no rule';
  return r.combine === 'all' && parts.length > 1 ? `all of: ${parts.join('; ')}` : parts.join('; ');
}

/** "112–188", "at least 80", "at most 30"; "—" when nothing judged the value (no band). */
export function describeBand(b: Band | null | undefined): string {
  if (!b) return '—';
  if (b.low === null && b.high === null) return 'unbounded';
  if (b.high === null) return `at least ${formatNumber(b.low)}`;
  if (b.low === null) return `at most ${formatNumber(b.high)}`;
  return `${formatNumber(b.low)}–${formatNumber(b.high)}`;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "from the same time in 4 past weeks, level from 12 recent runs, width from 300 past runs". */
export function describeBasis(b: Basis | null | undefined): string {
  if (!b) return 'no history yet';
  if (b.source === 'query') return "from the query's historical column";
  const seasonal = b.seasonalPoints.length;
  const parts = b.seasonality === 'weekly' ? [`from the same time in ${count(seasonal, 'past week')}`]
    : b.seasonality === 'daily' ? [`from the same time on ${count(seasonal, 'past day')}`]
    : [b.levelPoints > 0 ? `from the level of ${count(b.levelPoints, 'recent run')} (no season yet)` : 'no history yet'];
  if (b.seasonality !== 'none' && b.levelPoints > 0) parts.push(`level from ${count(b.levelPoints, 'recent run')}`);
  if (b.modelPoints > 0) parts.push(`width from ${count(b.modelPoints, 'past run')}`);
  return parts.join(', ');
}

/** One broken rule in words: "band drop: 60 below 80", "deviation spike: +200% beyond ±50%", "below the minimum: 3 < 5". */
export function describeReason(r: BreachReason): string {
  const name = r.direction ? `${r.rule} ${r.direction}` : r.rule;
  switch (r.rule) {
    case 'band': return `${name}: ${formatNumber(r.value)} ${r.direction === 'drop' ? 'below' : 'above'} ${formatNumber(r.limit)}`;
    case 'deviation': return `${name}: ${formatPercent(r.value)} beyond ±${formatNumber(r.limit)}%`;
    case 'min_threshold': return `below the minimum: ${formatNumber(r.value)} < ${formatNumber(r.limit)}`;
    case 'max_threshold': return `above the maximum: ${formatNumber(r.value)} > ${formatNumber(r.limit)}`;
    case 'no_rows': return 'no rows returned (noDataPolicy: breach)';
    default: return `${name.replace(/_/g, ' ')}: ${formatNumber(r.value)} against the limit ${formatNumber(r.limit)}`;
  }
}

/** The editor's words for each sensitivity ('' = no band). */
export const SENSITIVITY_HINT: Record<string, string> = {
  low: 'Only clear anomalies breach: a wide band around the usual value for this time, as wide as the series’ own noise makes it',
  medium: 'Values clearly unusual for this time breach: a band around the usual value, as wide as the series’ own noise makes it',
  high: 'Smaller departures breach too: a narrow band around the usual value for this time (more alerts, sooner)',
  '': 'No adaptive band: only the accepted deviation and the thresholds judge',
};
