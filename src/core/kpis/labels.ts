import type { FieldErrors } from '../shared/validation.ts';

/** A KPI's labels, `{name: value}`: what routing rules match on and templates show as `{labels.NAME}`. */
export type KpiLabels = Readonly<Record<string, string>>;

/** A label name: lower case, digits and `_`, not starting with a digit (so `{labels.team}` reads as a word). */
export const LABEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const LABEL_NAME_PATTERN = LABEL_NAME.source;
export const LABEL_VALUE_MAX = 200;
export const LABELS_MAX = 32;

/** Checks labels under `path` (`/labels` of a KPI, `/match/labels` of a route). */
export function checkLabels(labels: KpiLabels, errors: FieldErrors, path: string): void {
  const entries = Object.entries(labels);
  errors.check(entries.length <= LABELS_MAX, path, `at most ${LABELS_MAX} labels`);
  for (const [name, value] of entries) {
    errors.check(LABEL_NAME.test(name), `${path}/${name}`, 'a label name is lower case letters, digits and _, starting with a letter or _, at most 63 characters');
    errors.check(typeof value === 'string' && value.length >= 1 && value.length <= LABEL_VALUE_MAX, `${path}/${name}`, `a label value is 1 to ${LABEL_VALUE_MAX} characters`);
  }
}

/** The labels in name order, so that equal labels compare (and diff) equal whatever order they came in. */
export const sortLabels = (labels: KpiLabels): KpiLabels =>
  Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
