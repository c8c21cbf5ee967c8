import { seriesKeyOut } from '../executions/transitions.ts';
import type { Kpi } from '../kpis/kpi.ts';
import { formatNumber, type Message } from './render.ts';
import { SEVERITIES, type Severity } from './severity.ts';

/** One series in a message about several: what it measured and how far off. */
export interface GroupEntry {
  readonly key: string;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  readonly severity: Severity;
  /** drop / spike when every reason says so; null otherwise. */
  readonly direction: 'drop' | 'spike' | null;
}

/** Lines a message lists before "… and N more": a mail with 2,700 lines helps nobody. */
export const MAX_LISTED = 50;
const IN_SUBJECT = 3;

const pct = (n: number | null): string => (n === null ? '' : `${n > 0 ? '+' : ''}${(Math.round(n * 10) / 10).toFixed(1)}%`);
const label = (key: string): string => seriesKeyOut(key) ?? '(single value)';
/** Worst first: the largest deviation; without one (absolute thresholds) the lowest drop or highest spike; then by key. */
const byImpact = (a: GroupEntry, b: GroupEntry): number => {
  const size = Math.abs(b.deviationPercent ?? -1) - Math.abs(a.deviationPercent ?? -1);
  if (size !== 0) return size;
  const sign = a.direction === 'drop' ? 1 : a.direction === 'spike' ? -1 : 0;
  return sign * ((a.value ?? 0) - (b.value ?? 0)) || a.key.localeCompare(b.key);
};
export const worst = (entries: readonly GroupEntry[]): Severity =>
  entries.reduce<Severity>((w, e) => (SEVERITIES.indexOf(e.severity) > SEVERITIES.indexOf(w) ? e.severity : w), 'low');

function verbOf(entries: readonly GroupEntry[]): string {
  if (entries.every((e) => e.direction === 'drop')) return 'dropped';
  if (entries.every((e) => e.direction === 'spike')) return 'rose';
  return 'breached';
}

function listing(sorted: readonly GroupEntry[]): string {
  const lines = sorted.slice(0, MAX_LISTED).map((e) =>
    `- ${label(e.key)}: ${formatNumber(e.value)}${e.baseline === null ? '' : ` vs baseline ${formatNumber(e.baseline)}`}${e.deviationPercent === null ? '' : ` (${pct(e.deviationPercent)})`}, ${e.severity}`);
  if (sorted.length > MAX_LISTED) lines.push(`… and ${sorted.length - MAX_LISTED} more`);
  return lines.join('\n');
}

/**
 * The one message of a run that opened several alerts of a KPI: "[critical] Deposits dropped in 5 of 12
 * series: DE -62.0%, FR -55.0%, IT -40.0%, …", the series listed worst first. `series` is how many the
 * run judged; `summarised` how many of the entries share the summary alert (past the cap).
 */
export function renderGroupOpening(kpi: Pick<Kpi, 'indicator' | 'owner'>, entries: readonly GroupEntry[], o: { series: number; summarised: number; cap: number; at: Date; link: string }): Message {
  const sorted = [...entries].sort(byImpact);
  const head = sorted.slice(0, IN_SUBJECT).map((e) => `${label(e.key)} ${pct(e.deviationPercent) || formatNumber(e.value)}`).join(', ');
  const subject = `[${worst(entries)}] ${kpi.indicator} ${verbOf(entries)} in ${entries.length} of ${o.series} series: ${head}${entries.length > IN_SUBJECT ? ', …' : ''}`;
  const cap = o.summarised > 0 ? `\nPast the ${o.cap} alerts one run may open, ${o.summarised} of them share one summary alert.` : '';
  const body = `${entries.length} of ${o.series} series of ${kpi.indicator} (owner ${kpi.owner}) broke their rule in the run at ${o.at.toISOString()}:\n` +
    `${listing(sorted)}${cap}\nThe alerts: ${o.link}`;
  return { subject, body };
}

/** The one message of a run that resolved several alerts of a KPI. */
export function renderGroupResolved(kpi: Pick<Kpi, 'indicator'>, alerts: readonly { key: string; kind: string }[], link: string): Message {
  const keys = alerts.filter((a) => a.kind !== 'summary').map((a) => a.key);
  const names = [...keys.sort().map(label), ...(keys.length < alerts.length ? ['the summary alert'] : [])];
  const head = names.slice(0, IN_SUBJECT).join(', ');
  return {
    subject: `Resolved: ${kpi.indicator} back to normal in ${keys.length} series: ${head}${names.length > IN_SUBJECT ? ', …' : ''}`,
    body: `These ${alerts.length} alerts of ${kpi.indicator} resolved: ${names.slice(0, MAX_LISTED).join(', ')}${names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : ''}. ${link}`,
  };
}

/** The summary alert's own subject and body: the series past the cap, listed. */
export function renderSummary(kpi: Pick<Kpi, 'indicator' | 'owner'>, entries: readonly GroupEntry[], o: { cap: number; at: Date; link: string }): Message {
  const sorted = [...entries].sort(byImpact);
  return {
    subject: `[${worst(entries)}] ${kpi.indicator}: ${entries.length} more series broke their rule, past the ${o.cap} alerts one run may open`,
    body: `${entries.length} series of ${kpi.indicator} (owner ${kpi.owner}) broke their rule in the run at ${o.at.toISOString()} after the run had opened ${o.cap} alerts; ` +
      `they share this alert, which resolves when a run of the KPI finds no series breaching:\n${listing(sorted)}\n${o.link}`,
  };
}
