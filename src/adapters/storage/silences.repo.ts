import type { Page } from '../../core/ports.ts';
import type { Silence } from '../../core/silences/silence.ts';
import type { SilenceFilter, SilenceRepo } from '../../core/silences/silence-ports.ts';
import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface SilenceRow {
  id: string; kpi_ids: string[] | null; owner: string | null; key_pattern: string | null; priority: number | null; severity: Silence['severity'];
  starts_at: Date; ends_at: Date; comment: string; created_by: string; state: Silence['state']; version: number; created_at: Date; updated_at: Date;
}

const iso = (d: Date | string): string => new Date(d).toISOString();

export const toSilence = (r: SilenceRow): Silence => ({
  id: r.id, kpiIds: r.kpi_ids, owner: r.owner, keyPattern: r.key_pattern, priority: r.priority as Silence['priority'], severity: r.severity,
  startsAt: iso(r.starts_at), endsAt: iso(r.ends_at), comment: r.comment, createdBy: r.created_by, state: r.state, version: r.version,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const COLUMNS = ['id', 'kpi_ids', 'owner', 'key_pattern', 'priority', 'severity', 'starts_at', 'ends_at', 'comment', 'created_by', 'state', 'version', 'created_at', 'updated_at'] as const;

const values = (s: Silence): unknown[] => [
  s.id, s.kpiIds === null ? null : JSON.stringify(s.kpiIds), s.owner, s.keyPattern, s.priority, s.severity, s.startsAt, s.endsAt, s.comment,
  s.createdBy, s.state, s.version, s.createdAt, s.updatedAt,
];

export async function insertSilence(db: Queryable, s: Silence): Promise<void> {
  await db.query(`INSERT INTO silences (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, values(s));
}

export async function updateSilenceRow(db: Queryable, s: Silence): Promise<void> {
  const changing = COLUMNS.filter((c) => c !== 'id' && c !== 'created_at');
  const all = values(s);
  await db.query(`UPDATE silences SET ${changing.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`,
    [s.id, ...changing.map((c) => all[COLUMNS.indexOf(c)])]);
}

export async function getSilence(db: Queryable, id: string, lock = false): Promise<Silence | null> {
  const { rows } = await db.query<SilenceRow>(`SELECT * FROM silences WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toSilence(rows[0]) : null;
}

export async function listActiveSilences(db: Queryable, now: Date): Promise<Silence[]> {
  const { rows } = await db.query<SilenceRow>(`SELECT * FROM silences WHERE state = 'active' AND ends_at > $1 ORDER BY id`, [now]);
  return rows.map(toSilence);
}

export async function claimExpiredSilences(db: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM silences WHERE state = 'active' AND ends_at <= $1 ORDER BY ends_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [now, limit]);
  return rows.map((r) => r.id);
}

/** Newest first (ids are time-ordered). */
export async function listSilences(db: Queryable, f: SilenceFilter): Promise<Page<Silence>> {
  const where = new Where();
  if (f.state !== undefined) where.add((p) => `state = ${p}`, f.state);
  if (f.kpiId !== undefined) where.add((p) => `(kpi_ids IS NULL OR kpi_ids ? ${p})`, f.kpiId);
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id < ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<SilenceRow>(`SELECT * FROM silences ${where.sql} ORDER BY id DESC LIMIT ${limit}`, where.params);
  return toPage(rows.map(toSilence), f.limit);
}

export const silenceRepo = (db: Queryable): SilenceRepo => ({
  get: (id) => getSilence(db, id),
  lock: (id) => getSilence(db, id, true),
  listActive: (now) => listActiveSilences(db, now),
  claimExpired: (now, limit) => claimExpiredSilences(db, now, limit),
  list: (f) => listSilences(db, f),
  insert: (s) => insertSilence(db, s),
  update: (s) => updateSilenceRow(db, s),
});
