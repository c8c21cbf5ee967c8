import { LABEL_NAME } from './labels.ts';

/** The placeholders a subject or description template may use, written `{name}`. */
export const TEMPLATE_PLACEHOLDERS = [
  'indicator', 'owner', 'key', 'current', 'baseline', 'historical', 'deviation', 'threshold', 'rule', 'band',
  'minimumThreshold', 'maximumThreshold', 'frequency', 'lastMinutes', 'severity', 'timestamp', 'link',
] as const;

export const DEFAULT_SUBJECT_TEMPLATE = '[{severity}] {indicator} {key}: {current} vs baseline {baseline} ({deviation}%)';
export const DEFAULT_DESCRIPTION_TEMPLATE =
  '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}%. ' +
  'The rule ({rule}) accepted {band}. ' +
  'Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}';

/** The default description before the adaptive band (migration 0701 moves KPIs that still have it). */
export const PREVIOUS_DEFAULT_DESCRIPTION_TEMPLATE =
  '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}% ' +
  'against an accepted {threshold}%. Absolute limits: minimum {minimumThreshold}, maximum {maximumThreshold}. ' +
  'Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}';

/**
 * The default templates without the key's part, for a KPI whose one series has no key: "Deposits 28",
 * not "Deposits -: 28" or "Deposits () is 28". An operator's own template keeps its wording ({key} is empty).
 */
const KEYLESS_DEFAULTS = new Map([
  [DEFAULT_SUBJECT_TEMPLATE, DEFAULT_SUBJECT_TEMPLATE.replace(' {key}', '')],
  [DEFAULT_DESCRIPTION_TEMPLATE, DEFAULT_DESCRIPTION_TEMPLATE.replace(' ({key})', '')],
]);

/** The template to render for a series with this key ('' = the KPI has a single value). */
export const templateForKey = (template: string, key: string): string => (key === '' ? KEYLESS_DEFAULTS.get(template) ?? template : template);

/** `labels.team` → `team`: the label a placeholder shows, or null when it is not a label placeholder. */
export function labelPlaceholder(name: string): string | null {
  const m = /^labels\.(.*)$/.exec(name);
  return m !== null && LABEL_NAME.test(m[1]!) ? m[1]! : null;
}

/** Placeholders used in `template` that are not in the documented list nor `{labels.NAME}`. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
  const found = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
  return [...new Set(found.filter((name) => !known.has(name) && labelPlaceholder(name) === null))];
}
