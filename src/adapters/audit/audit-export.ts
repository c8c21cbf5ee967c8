import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import { searchAudit, type AuditFilter } from '../storage/audit.repo.ts';
import type { Queryable } from '../storage/db.ts';

/** The most rows one export returns; narrow the filter (a time range) for more. */
export const EXPORT_MAX_ROWS = 200_000;

const CSV_COLUMNS = [
  'position', 'recordedAt', 'actor', 'actorKind', 'clientIp', 'userAgent', 'eventType', 'entityType', 'entityId',
  'entityVersion', 'summary', 'changes', 'correlationId', 'causationId', 'traceId',
] as const satisfies readonly (keyof AuditEntry)[];

/**
 * One CSV cell. A cell a spreadsheet would run as a formula (=, +, -, @ first) gets a leading quote:
 * entries carry user-written text (KPI names, user agents).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\r\n`;
export const csvLine = (e: AuditEntry): string => `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')}\r\n`;
export const jsonLine = (e: AuditEntry): string => `${JSON.stringify(e)}\n`;

/** Every matching entry, newest first, page by page, as lines of CSV (with a header) or JSON. */
export async function* exportAudit(db: Queryable, filter: Omit<AuditFilter, 'cursor' | 'limit'>, format: 'csv' | 'jsonl'): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  let cursor: string | undefined;
  let sent = 0;
  do {
    const page = await searchAudit(db, { ...filter, cursor, limit: 1000 });
    yield page.items.map(format === 'csv' ? csvLine : jsonLine).join('');
    sent += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && sent < EXPORT_MAX_ROWS);
}
