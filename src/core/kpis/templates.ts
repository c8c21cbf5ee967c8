/** The placeholders a subject or description template may use, written `{name}`. */
export const TEMPLATE_PLACEHOLDERS = [
  'indicator', 'owner', 'key', 'current', 'baseline', 'historical', 'deviation', 'threshold',
  'minimumThreshold', 'maximumThreshold', 'frequency', 'lastMinutes', 'severity', 'timestamp', 'link',
] as const;

export const DEFAULT_SUBJECT_TEMPLATE = '[{severity}] {indicator} {key}: {current} vs baseline {baseline} ({deviation}%)';
export const DEFAULT_DESCRIPTION_TEMPLATE =
  '{indicator} ({key}) is {current}; the baseline for this window is {baseline}, a deviation of {deviation}% ' +
  'against an accepted {threshold}%. Absolute limits: minimum {minimumThreshold}, maximum {maximumThreshold}. ' +
  'Window: the last {lastMinutes} minutes, checked {frequency}. Owner: {owner}. At {timestamp}. {link}';

/** Placeholders used in `template` that are not in the documented list. */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(TEMPLATE_PLACEHOLDERS);
  const found = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
  return [...new Set(found.filter((name) => !known.has(name)))];
}
