import type { AuditEntry } from '../../core/audit/audit-entry.ts';
import { invalid } from '../../core/errors.ts';
import type { Page } from '../../core/ports.ts';
import type { Queryable } from './db.ts';
import { Where } from './paging.ts';

/** What a user can filter the audit trail by; every filter is optional and they combine with AND. */
export interface AuditFilter {
  readonly entityType?: string | undefined;
  readonly entityId?: string | undefined;
  readonly eventTypes?: readonly string[] | undefined;
  readonly actor?: string | undefined;
  readonly correlationId?: string | undefined;
  /** Inclusive lower and exclusive upper bound of recordedAt. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  /** Words that must all occur (as word prefixes) in the sentence, entity id, actor or event type. */
  readonly q?: string | undefined;
  /** Only entries whose diff touches this field (e.g. maxThreshold). */
  readonly field?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

interface AuditRow {
  position: number; recorded_at: Date; event_type: string; entity_type: string; entity_id: string; entity_version: number;
  actor: string; actor_kind: AuditEntry['actorKind']; client_ip: string | null; user_agent: string | null;
  correlation_id: string | null; causation_id: string | null; trace_id: string | null; summary: string;
  changes: AuditEntry['changes'];
}

const COLUMNS = [
  'position', 'recorded_at', 'event_type', 'entity_type', 'entity_id', 'entity_version', 'actor', 'actor_kind',
  'client_ip', 'user_agent', 'correlation_id', 'causation_id', 'trace_id', 'summary', 'changes',
] as const;
const SELECT = `SELECT ${COLUMNS.join(', ')} FROM audit_entries`;

export const toAuditEntry = (r: AuditRow): AuditEntry => ({
  position: Number(r.position), recordedAt: new Date(r.recorded_at), eventType: r.event_type, entityType: r.entity_type,
  entityId: r.entity_id, entityVersion: r.entity_version, actor: r.actor, actorKind: r.actor_kind, clientIp: r.client_ip,
  userAgent: r.user_agent, correlationId: r.correlation_id, causationId: r.causation_id, traceId: r.trace_id,
  summary: r.summary, changes: r.changes,
});

const rowValues = (e: AuditEntry): unknown[] => [
  e.position, e.recordedAt, e.eventType, e.entityType, e.entityId, e.entityVersion, e.actor, e.actorKind, e.clientIp,
  e.userAgent, e.correlationId, e.causationId, e.traceId, e.summary, e.changes === null ? null : JSON.stringify(e.changes),
];

/** Inserts entries; an entry already there (same position) is left alone, so a re-run is harmless. */
export async function insertAuditEntries(db: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const params: unknown[] = [];
  const tuples = entries.map((e) => {
    const base = params.length;
    params.push(...rowValues(e));
    return `(${COLUMNS.map((c, i) => `$${base + i + 1}${c === 'changes' ? '::jsonb' : ''}`).join(', ')})`;
  });
  await db.query(`INSERT INTO audit_entries (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (position) DO NOTHING`, params);
}

/** Cursor = the (recordedAt, position) of the last entry of the page, opaque to clients. */
const encodeAuditCursor = (e: AuditEntry): string => Buffer.from(`${e.recordedAt.toISOString()}|${e.position}`).toString('base64url');

function decodeAuditCursor(cursor: string): { at: Date; position: number } {
  const [at, position] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (Number.isNaN(date.getTime()) || !/^\d+$/.test(position ?? '')) throw invalid([{ path: '/cursor', message: 'is not a cursor this API gave out' }]);
  return { at: date, position: Number(position) };
}

/** Free text as a tsquery: every word must occur as a word prefix. Only letters and digits survive. */
export function textQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0 ? null : words.slice(0, 8).map((w) => `'${w}':*`).join(' & ');
}

function whereOf(f: Omit<AuditFilter, 'cursor' | 'limit'>): Where {
  const where = new Where();
  if (f.entityType !== undefined) where.add((p) => `entity_type = ${p}`, f.entityType);
  if (f.entityId !== undefined) where.add((p) => `entity_id = ${p}`, f.entityId);
  if (f.eventTypes !== undefined && f.eventTypes.length > 0) {
    if (f.eventTypes.length === 1) where.add((p) => `event_type = ${p}`, f.eventTypes[0]);
    else where.add((p) => `event_type = ANY (${p})`, f.eventTypes);
  }
  if (f.actor !== undefined) where.add((p) => `actor = ${p}`, f.actor);
  if (f.correlationId !== undefined) where.add((p) => `correlation_id = ${p}`, f.correlationId);
  if (f.from !== undefined) where.add((p) => `recorded_at >= ${p}`, f.from);
  if (f.to !== undefined) where.add((p) => `recorded_at < ${p}`, f.to);
  const tsquery = f.q === undefined ? null : textQuery(f.q);
  if (tsquery !== null) where.add((p) => `search @@ to_tsquery('simple', ${p})`, tsquery);
  if (f.field !== undefined) where.add((p) => `changes ? ${p}`, f.field);
  return where;
}

/** One page of matching entries, newest first. */
export async function searchAudit(db: Queryable, f: AuditFilter): Promise<Page<AuditEntry>> {
  const where = whereOf(f);
  if (f.cursor !== undefined && f.cursor !== '') {
    const after = decodeAuditCursor(f.cursor);
    const at = where.param(after.at);
    where.add((p) => `(recorded_at, position) < (${at}, ${p})`, after.position);
  }
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<AuditRow>(`${SELECT} ${where.sql} ORDER BY recorded_at DESC, position DESC LIMIT ${limit}`, where.params);
  const items = rows.slice(0, f.limit).map(toAuditEntry);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > f.limit && last ? encodeAuditCursor(last) : null };
}

export interface CountBy { readonly key: string; readonly count: number }
export interface AuditStatistics {
  readonly total: number;
  readonly byEventType: CountBy[];
  readonly byEntityType: CountBy[];
  /** The 50 most active actors. */
  readonly byActor: CountBy[];
  /** Per UTC day, oldest first. */
  readonly byDay: CountBy[];
}

export async function auditStatistics(db: Queryable, f: { from?: Date | undefined; to?: Date | undefined }): Promise<AuditStatistics> {
  const where = whereOf(f);
  const group = async (expr: string, extra = ''): Promise<CountBy[]> => {
    const { rows } = await db.query<{ key: string; count: number }>(
      `SELECT ${expr} AS key, count(*)::int AS count FROM audit_entries ${where.sql} GROUP BY 1 ${extra}`, where.params,
    );
    return rows.map((r) => ({ key: String(r.key), count: Number(r.count) }));
  };
  const [byEventType, byEntityType, byActor, byDay] = [
    await group('event_type', 'ORDER BY 2 DESC, 1'),
    await group('entity_type', 'ORDER BY 2 DESC, 1'),
    await group('actor', 'ORDER BY 2 DESC, 1 LIMIT 50'),
    await group(`to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, 'ORDER BY 1'),
  ];
  return { total: byEntityType.reduce((n, r) => n + r.count, 0), byEventType, byEntityType, byActor, byDay };
}

/** Display names of the given entities, keyed `<type>/<id>`. */
export async function getEntityNames(db: Queryable, keys: readonly { entityType: string; entityId: string }[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<{ entity_type: string; entity_id: string; name: string }>(
    `SELECT entity_type, entity_id, name FROM audit_entity_names WHERE (entity_type, entity_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k.entityType), keys.map((k) => k.entityId)],
  );
  return new Map(rows.map((r) => [`${r.entity_type}/${r.entity_id}`, r.name]));
}

export async function upsertEntityNames(db: Queryable, names: ReadonlyMap<string, string>): Promise<void> {
  if (names.size === 0) return;
  const keys = [...names.keys()].map((k) => k.split('/'));
  await db.query(
    `INSERT INTO audit_entity_names (entity_type, entity_id, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (entity_type, entity_id) DO UPDATE SET name = EXCLUDED.name`,
    [keys.map((k) => k[0]), keys.map((k) => k.slice(1).join('/')), [...names.values()]],
  );
}
