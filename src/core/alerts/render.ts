import type { Kpi } from '../kpis/kpi.ts';
import { labelPlaceholder, templateForKey, TEMPLATE_PLACEHOLDERS } from '../kpis/templates.ts';
import type { Range } from '../detection/rule.ts';
import type { Severity } from './severity.ts';

export type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

/** The numbers a message is about. */
export interface MessageFacts {
  readonly key: string;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  /** What the rules accepted for the value; null when unknown (a preview by hand). */
  readonly band: Range | null;
  readonly severity: Severity;
  readonly at: Date;
  readonly link: string;
}

/** Numbers as people read them: at most 2 decimals, no trailing zeros; absent = "n/a". */
export function formatNumber(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'n/a';
  return String(Math.round(n * 100) / 100);
}

const signed = (n: number | null): string => (n === null ? 'n/a' : `${n > 0 ? '+' : ''}${(Math.round(n * 10) / 10).toFixed(1)}`);

/**
 * The value of every documented placeholder (see README, "Templates"):
 * {key} the series' key (empty for a single-value KPI), {current} the value, {baseline} (alias {historical}) its baseline, {deviation} the signed deviation in %
 * with one decimal, {threshold} the accepted deviation in % ("none" without one), {rule} the rules in
 * words ("adaptive band, medium sensitivity; at least 80"), {band} what they accepted ("between 112 and
 * 188", "at least 88", "n/a"), {minimumThreshold}/{maximumThreshold} the absolute limits ("none" when unset), {frequency} "every N minutes" or the cron expression, {lastMinutes}
 * the data window, {severity}, {timestamp} ISO 8601 UTC, {link} the alert in the API.
 */
export function placeholderValues(kpi: Kpi, f: MessageFacts): PlaceholderValues {
  const limit = (n: number | null): string => (n === null ? 'none' : formatNumber(n));
  return {
    indicator: kpi.indicator,
    owner: kpi.owner,
    key: f.key,
    current: formatNumber(f.value),
    baseline: formatNumber(f.baseline),
    historical: formatNumber(f.baseline),
    deviation: signed(f.deviationPercent),
    threshold: kpi.deviationPercent === null ? 'none' : formatNumber(kpi.deviationPercent),
    rule: describeRule(kpi),
    band: describeBand(f.band),
    minimumThreshold: limit(kpi.minThreshold),
    maximumThreshold: limit(kpi.maxThreshold),
    frequency: kpi.cron !== null ? `on cron ${kpi.cron} (${kpi.timezone})` : kpi.frequencyMinutes === 1 ? 'every minute' : `every ${kpi.frequencyMinutes ?? 60} minutes`,
    lastMinutes: String(kpi.lastMinutes),
    severity: f.severity,
    timestamp: f.at.toISOString(),
    link: f.link,
  };
}

/** A KPI's rules in a few words: "adaptive band, medium sensitivity, drops only; at least 80". */
export function describeRule(kpi: Pick<Kpi, 'sensitivity' | 'deviationPercent' | 'minThreshold' | 'maxThreshold' | 'direction' | 'thresholdCombine'>): string {
  const relative = [
    kpi.sensitivity === null ? null : `adaptive band, ${kpi.sensitivity} sensitivity`,
    kpi.deviationPercent === null ? null : `±${formatNumber(kpi.deviationPercent)}% of the baseline`,
  ].filter((x) => x !== null);
  const side = kpi.direction === 'drop' ? ', drops only' : kpi.direction === 'spike' ? ', spikes only' : '';
  const limits = [kpi.minThreshold === null ? null : `at least ${formatNumber(kpi.minThreshold)}`, kpi.maxThreshold === null ? null : `at most ${formatNumber(kpi.maxThreshold)}`]
    .filter((x) => x !== null);
  const parts = [relative.length > 0 ? `${relative.join(' and ')}${side}` : null, ...limits].filter((x) => x !== null);
  return parts.join(kpi.thresholdCombine === 'all' ? '; all of: ' : '; ');
}

/** What the rules accepted, in words. */
export function describeBand(band: Range | null): string {
  if (band === null || (band.low === null && band.high === null)) return 'n/a';
  if (band.low !== null && band.high !== null) return `between ${formatNumber(band.low)} and ${formatNumber(band.high)}`;
  return band.low !== null ? `at least ${formatNumber(band.low)}` : `at most ${formatNumber(band.high)}`;
}

/**
 * Replaces each `{placeholder}` and each `{labels.NAME}` (the KPI's label, empty when it has none of
 * that name); anything else in braces is left as written (templates are validated on save).
 */
export function renderTemplate(template: string, values: PlaceholderValues, labels: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (Object.hasOwn(values, name)) return values[name as Placeholder];
    const label = labelPlaceholder(name);
    return label === null ? whole : Object.hasOwn(labels, label) ? labels[label]! : '';
  });
}

export interface Message {
  readonly subject: string;
  readonly body: string;
}

/** A single-value KPI (key '') renders the default templates without their key part (see templateForKey). */
export function renderKpiMessage(kpi: Kpi, f: MessageFacts): Message {
  const values = placeholderValues(kpi, f);
  return {
    subject: renderTemplate(templateForKey(kpi.subjectTemplate, f.key), values, kpi.labels),
    body: renderTemplate(templateForKey(kpi.descriptionTemplate, f.key), values, kpi.labels),
  };
}

/** The message of a "KPI failing" alert; not templated, because the numbers it would show do not exist. */
export function renderFailingMessage(kpi: Kpi, failures: number, error: string | null, f: Pick<MessageFacts, 'severity' | 'at' | 'link'>): Message {
  return {
    subject: `[${f.severity}] KPI failing: ${kpi.indicator} failed ${failures} times in a row`,
    body: `${kpi.indicator} (owner ${kpi.owner}) failed ${failures} executions in a row; the last error: ${error ?? 'unknown'}. ` +
      `It is not being watched until it runs again. At ${f.at.toISOString()}. ${f.link}`,
  };
}
