// KPI labels (`{ team: 'payments' }`) as the editor holds them: rows, so a half-typed one is not lost.

export interface LabelRow {
  name: string;
  value: string;
}

export const labelRowsOf = (labels: Readonly<Record<string, string>> | undefined): LabelRow[] =>
  Object.entries(labels ?? {}).map(([name, value]) => ({ name, value }));

/**
 * The labels to send: names and values trimmed, wholly empty rows dropped. A row with only a name or a
 * value is sent as it is, so the API names the fault at its field rather than the page dropping it.
 */
export function labelsOf(rows: readonly LabelRow[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    const value = row.value.trim();
    if (name !== '' || value !== '') labels[name] = value;
  }
  return labels;
}

/** `team=payments, tier=gold`; empty for no labels. */
export const labelsText = (labels: Readonly<Record<string, string>> | undefined): string =>
  Object.entries(labels ?? {}).map(([name, value]) => `${name}=${value}`).join(', ');
