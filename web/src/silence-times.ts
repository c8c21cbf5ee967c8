/** When "silence until tomorrow 09:00" ends: 09:00 of the next day in the browser's time zone. */
export function tomorrowAtNine(now: Date = new Date()): Date {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0, 0);
  return d;
}

/** What a silence matches, in words: "KPIs Deposits · keys DE*". */
export function describeSilenceScope(s: { kpiIds: readonly string[] | null; owner: string | null; keyPattern: string | null; priority: number | null; severity: string | null },
  kpiName: (id: string) => string = (id) => id): string {
  const parts = [
    s.kpiIds ? `KPI ${s.kpiIds.map(kpiName).join(', ')}` : null, s.owner ? `owner ${s.owner}` : null, s.keyPattern ? `series ${s.keyPattern}` : null,
    s.priority ? `priority ${s.priority}` : null, s.severity ? `severity ${s.severity}` : null,
  ].filter((p) => p !== null);
  return parts.join(' · ');
}
