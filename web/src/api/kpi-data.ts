import { api } from './client.ts';
import type { Alert, AuditEntry, ExecutionRecord, Page } from './types.ts';

/** Enough for a month of a KPI run every 15 minutes; a chart has no room for more points anyway. */
const MAX_ROWS = 3000;

/** A KPI's executions started in [from, now), newest first, following pages up to MAX_ROWS. */
export async function executionsSince(kpiId: string, from: Date, signal?: AbortSignal): Promise<{ rows: ExecutionRecord[]; truncated: boolean }> {
  const rows: ExecutionRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<ExecutionRecord> = await api.get(`kpis/${encodeURIComponent(kpiId)}/executions`, { from: from.toISOString(), limit: 500, cursor }, signal);
    rows.push(...page.items.filter((r) => r.trigger !== 'backfill'));
    cursor = page.nextCursor;
  } while (cursor !== null && rows.length < MAX_ROWS);
  return { rows, truncated: cursor !== null };
}

export const alertsOf = (kpiId: string, signal?: AbortSignal) =>
  api.get<Page<Alert>>('alerts', { kpiId, limit: 100 }, signal).then((p) => p.items);

export const auditOf = (entityType: string, id: string, signal?: AbortSignal) =>
  api.get<Page<AuditEntry>>(`audittrail/entity/${entityType}/${encodeURIComponent(id)}`, { limit: 100 }, signal).then((p) => p.items);

export const RANGES = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;
