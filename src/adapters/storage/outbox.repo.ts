import type { LinkAction } from '../../core/alerts/action-links.ts';
import type { NewNotification, Notification, NotificationFilter, OutboxRepo } from '../../core/alerts/alert-ports.ts';
import type { Page } from '../../core/ports.ts';
import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface NotificationRow {
  id: string; alert_id: string; kpi_id: string; purpose: Notification['purpose']; channel: Notification['channel']; recipient: string;
  contact_id: string | null; subject: string; body: string; payload: Record<string, unknown> | null; status: Notification['status'];
  attempts: number; next_attempt_at: Date | null; last_error: string | null; created_at: Date; sent_at: Date | null; actions: LinkAction[];
}

const date = (d: Date | null): Date | null => (d === null ? null : new Date(d));

export const toNotification = (r: NotificationRow): Notification => ({
  id: r.id, alertId: r.alert_id, kpiId: r.kpi_id, purpose: r.purpose, channel: r.channel, recipient: r.recipient, contactId: r.contact_id,
  subject: r.subject, body: r.body, payload: r.payload, status: r.status, attempts: r.attempts, nextAttemptAt: date(r.next_attempt_at),
  lastError: r.last_error, createdAt: new Date(r.created_at), sentAt: date(r.sent_at), actions: r.actions ?? [],
});

const COLUMNS = 'id, alert_id, kpi_id, purpose, channel, recipient, contact_id, subject, body, payload, actions, created_at, next_attempt_at';

/** New rows are due at once (next_attempt_at = created_at). One statement for the whole batch. */
export async function enqueueNotifications(db: Queryable, ns: readonly NewNotification[]): Promise<void> {
  if (ns.length === 0) return;
  const params: unknown[] = [];
  const tuples = ns.map((n) => {
    params.push(n.id, n.alertId, n.kpiId, n.purpose, n.channel, n.recipient, n.contactId, n.subject, n.body,
      n.payload === null ? null : JSON.stringify(n.payload), [...(n.actions ?? [])], n.createdAt);
    const b = params.length - 12;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10}::jsonb, $${b + 11}::text[], $${b + 12}, $${b + 12})`;
  });
  await db.query(`INSERT INTO notifications (${COLUMNS}) VALUES ${tuples.join(', ')}`, params);
}

export async function getNotification(db: Queryable, id: string, lock = false): Promise<Notification | null> {
  const { rows } = await db.query<NotificationRow>(`SELECT * FROM notifications WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toNotification(rows[0]) : null;
}

/** The delivery log, newest first; `status: 'dead'` lists the dead letters. */
export async function listNotifications(db: Queryable, f: NotificationFilter): Promise<Page<Notification>> {
  const where = new Where();
  if (f.status !== undefined) where.add((p) => `status = ${p}`, f.status);
  if (f.alertId !== undefined) where.add((p) => `alert_id = ${p}`, f.alertId);
  if (f.channel !== undefined) where.add((p) => `channel = ${p}`, f.channel);
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id < ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<NotificationRow>(`SELECT * FROM notifications ${where.sql} ORDER BY id DESC LIMIT ${limit}`, where.params);
  return toPage(rows.map(toNotification), f.limit);
}

export async function notificationsForAlert(db: Queryable, alertId: string): Promise<Notification[]> {
  const { rows } = await db.query<NotificationRow>('SELECT * FROM notifications WHERE alert_id = $1 ORDER BY id', [alertId]);
  return rows.map(toNotification);
}

/**
 * Claims up to `limit` due notifications for `leaseMs`: FOR UPDATE SKIP LOCKED, so workers on other
 * nodes take other rows, and the lease keeps them off these rows once this transaction commits. A
 * worker that dies mid-send leaves the row to be claimed again when the lease runs out: that is the
 * "at most one repeat" case. The claim counts the attempt.
 */
export async function claimNotifications(db: Queryable, now: Date, limit: number, leaseMs: number): Promise<Notification[]> {
  const { rows } = await db.query<NotificationRow>(
    `UPDATE notifications SET claimed_until = $2, attempts = attempts + 1
      WHERE id IN (SELECT id FROM notifications
                    WHERE status = 'pending' AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
                    ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [now, new Date(now.getTime() + leaseMs), limit]);
  return rows.map(toNotification).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The earliest moment a pending notification becomes due (for a worker deciding how long to sleep). */
export async function nextDueAt(db: Queryable): Promise<Date | null> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT min(greatest(next_attempt_at, coalesce(claimed_until, next_attempt_at))) AS at FROM notifications WHERE status = 'pending'`);
  return date(rows[0]?.at ?? null);
}

export const outboxRepo = (db: Queryable): OutboxRepo => ({
  enqueue: (ns) => enqueueNotifications(db, ns),
  get: (id) => getNotification(db, id),
  lock: (id) => getNotification(db, id, true),
  list: (f) => listNotifications(db, f),
  forAlert: (alertId) => notificationsForAlert(db, alertId),
  markSent: async (ids, at) => {
    if (ids.length === 0) return;
    await db.query(`UPDATE notifications SET status = 'sent', sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = ANY ($1)`, [ids, at]);
  },
  markFailed: async (id, error, next) => {
    await db.query(
      `UPDATE notifications SET status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
              next_attempt_at = $3, claimed_until = NULL, last_error = $2 WHERE id = $1`,
      [id, error.slice(0, 2000), next]);
  },
  requeue: async (id, at) => {
    await db.query(`UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = $2, claimed_until = NULL WHERE id = $1`, [id, at]);
  },
});
