import type { MaintenanceWindow } from '../../core/maintenance/window.ts';
import type { MaintenanceWindowRepo } from '../../core/maintenance/window-ports.ts';
import type { Page } from '../../core/ports.ts';
import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface WindowRow {
  id: string; name: string; kpi_ids: string[] | null; owner: string | null; key_pattern: string | null; priority: number | null; cron: string | null;
  rrule: string | null; duration_minutes: number; timezone: string; comment: string; created_by: string; active: boolean; version: number;
  created_at: Date; updated_at: Date;
}

export const toWindow = (r: WindowRow): MaintenanceWindow => ({
  id: r.id, name: r.name, kpiIds: r.kpi_ids, owner: r.owner, keyPattern: r.key_pattern, priority: r.priority as MaintenanceWindow['priority'],
  cron: r.cron, rrule: r.rrule, durationMinutes: r.duration_minutes, timezone: r.timezone, comment: r.comment, createdBy: r.created_by,
  active: r.active, version: r.version, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const COLUMNS = ['id', 'name', 'kpi_ids', 'owner', 'key_pattern', 'priority', 'cron', 'rrule', 'duration_minutes', 'timezone', 'comment', 'created_by', 'active', 'version', 'created_at', 'updated_at'] as const;
const values = (w: MaintenanceWindow): unknown[] => [
  w.id, w.name, w.kpiIds === null ? null : JSON.stringify(w.kpiIds), w.owner, w.keyPattern, w.priority, w.cron, w.rrule, w.durationMinutes, w.timezone,
  w.comment, w.createdBy, w.active, w.version, w.createdAt, w.updatedAt,
];

export async function insertMaintenanceWindow(db: Queryable, w: MaintenanceWindow): Promise<void> {
  await db.query(`INSERT INTO maintenance_windows (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, values(w));
}

async function updateRow(db: Queryable, w: MaintenanceWindow): Promise<void> {
  const changing = COLUMNS.filter((c) => c !== 'id' && c !== 'created_at');
  const all = values(w);
  await db.query(`UPDATE maintenance_windows SET ${changing.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [w.id, ...changing.map((c) => all[COLUMNS.indexOf(c)])]);
}

async function getRow(db: Queryable, id: string, lock = false): Promise<MaintenanceWindow | null> {
  const { rows } = await db.query<WindowRow>(`SELECT * FROM maintenance_windows WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toWindow(rows[0]) : null;
}

async function listRows(db: Queryable, f: { cursor?: string | undefined; limit: number }): Promise<Page<MaintenanceWindow>> {
  const where = new Where();
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id > ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<WindowRow>(`SELECT * FROM maintenance_windows ${where.sql} ORDER BY id LIMIT ${limit}`, where.params);
  return toPage(rows.map(toWindow), f.limit);
}

export const maintenanceWindowRepo = (db: Queryable): MaintenanceWindowRepo => ({
  get: (id) => getRow(db, id),
  lock: (id) => getRow(db, id, true),
  listActive: async () => (await db.query<WindowRow>('SELECT * FROM maintenance_windows WHERE active ORDER BY id')).rows.map(toWindow),
  list: (f) => listRows(db, f),
  insert: (w) => insertMaintenanceWindow(db, w),
  update: (w) => updateRow(db, w),
  remove: async (id) => void (await db.query('DELETE FROM maintenance_windows WHERE id = $1', [id])),
  markRun: async (runId, keys, windowId) =>
    void (await db.query('UPDATE executions SET maintenance_window_id = $3 WHERE run_id = $1 AND series_key = ANY ($2)', [runId, keys, windowId])),
});
