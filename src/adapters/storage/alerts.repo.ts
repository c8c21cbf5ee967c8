import type { Alert } from '../../core/alerts/alert.ts';
import type { AlertFilter, AlertRepo, AlertStatistics, CounterScope } from '../../core/alerts/alert-ports.ts';
import type { Counters } from '../../core/alerts/decide.ts';
import type { Contact } from '../../core/contacts/contact.ts';
import type { Page } from '../../core/ports.ts';
import { toContact } from './contacts.repo.ts';
import type { Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';
import { alertStatistics } from './alert-statistics.repo.ts';

interface AlertRow {
  id: string; kind: Alert['kind']; kpi_id: string; indicator: string; key: string; status: Alert['status']; severity: Alert['severity'];
  priority: number; execution_id: string; opened_at: Date; value: number | null; baseline: number | null; deviation_percent: number | null;
  thresholds: Alert['thresholds']; band: Alert['band']; reasons: Alert['reasons']; error: string | null; subject: string; body: string;
  opening_notified: boolean; notify_at: Date | null; last_notified_at: Date | null; escalated_at: Date | null;
  acknowledged_at: Date | null; acknowledged_by: string | null; acknowledge_note: string | null; resolved_at: Date | null;
  resolved_by: string | null; resolve_note: string | null; resolution: Alert['resolution']; next_timer_at: Date | null; version: number;
  silence_id: string | null; silenced_until: Date | null; escalation: Alert['escalation'];
}

const date = (d: Date | null): Date | null => (d === null ? null : new Date(d));

export const toAlert = (r: AlertRow): Alert => ({
  id: r.id, kind: r.kind, kpiId: r.kpi_id, indicator: r.indicator, key: r.key, status: r.status, severity: r.severity,
  priority: r.priority as 1 | 2, executionId: r.execution_id, openedAt: new Date(r.opened_at), value: r.value, baseline: r.baseline,
  deviationPercent: r.deviation_percent, thresholds: r.thresholds, band: r.band ?? null, reasons: r.reasons, error: r.error, subject: r.subject, body: r.body,
  openingNotified: r.opening_notified, notifyAt: date(r.notify_at), lastNotifiedAt: date(r.last_notified_at), escalatedAt: date(r.escalated_at),
  acknowledgedAt: date(r.acknowledged_at), acknowledgedBy: r.acknowledged_by, acknowledgeNote: r.acknowledge_note,
  resolvedAt: date(r.resolved_at), resolvedBy: r.resolved_by, resolveNote: r.resolve_note, resolution: r.resolution,
  nextTimerAt: date(r.next_timer_at), silenceId: r.silence_id, silencedUntil: date(r.silenced_until), escalation: r.escalation ?? null, version: r.version,
});

const COLUMNS = [
  'id', 'kind', 'kpi_id', 'indicator', 'key', 'status', 'severity', 'priority', 'execution_id', 'opened_at', 'value', 'baseline',
  'deviation_percent', 'thresholds', 'reasons', 'error', 'subject', 'body', 'opening_notified', 'notify_at', 'last_notified_at',
  'escalated_at', 'acknowledged_at', 'acknowledged_by', 'acknowledge_note', 'resolved_at', 'resolved_by', 'resolve_note',
  'resolution', 'next_timer_at', 'version', 'band', 'silence_id', 'silenced_until', 'escalation',
] as const;

const values = (a: Alert): unknown[] => [
  a.id, a.kind, a.kpiId, a.indicator, a.key, a.status, a.severity, a.priority, a.executionId, a.openedAt, a.value, a.baseline,
  a.deviationPercent, JSON.stringify(a.thresholds), JSON.stringify(a.reasons), a.error, a.subject, a.body, a.openingNotified,
  a.notifyAt, a.lastNotifiedAt, a.escalatedAt, a.acknowledgedAt, a.acknowledgedBy, a.acknowledgeNote, a.resolvedAt, a.resolvedBy,
  a.resolveNote, a.resolution, a.nextTimerAt, a.version, a.band === null ? null : JSON.stringify(a.band), a.silenceId, a.silencedUntil,
  a.escalation === null ? null : JSON.stringify(a.escalation),
];

export async function insertAlert(db: Queryable, a: Alert): Promise<void> {
  const ph = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  await db.query(`INSERT INTO alerts (${COLUMNS.join(', ')}) VALUES (${ph})`, values(a));
}

export async function updateAlertRow(db: Queryable, a: Alert): Promise<void> {
  const sets = COLUMNS.slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ');
  await db.query(`UPDATE alerts SET ${sets} WHERE id = $1`, values(a));
}

export async function getAlert(db: Queryable, id: string, lock = false): Promise<Alert | null> {
  const { rows } = await db.query<AlertRow>(`SELECT * FROM alerts WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toAlert(rows[0]) : null;
}

export async function lockActiveAlert(db: Queryable, kpiId: string, key: string, kind: Alert['kind']): Promise<Alert | null> {
  const { rows } = await db.query<AlertRow>(
    `SELECT * FROM alerts WHERE kpi_id = $1 AND key = $2 AND kind = $3 AND status <> 'resolved' FOR UPDATE`, [kpiId, key, kind]);
  return rows[0] ? toAlert(rows[0]) : null;
}

export async function lockActiveAlertByKey(db: Queryable, key: string, kind: Alert['kind']): Promise<Alert | null> {
  await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`alert:${kind}:${key}`]);
  const { rows } = await db.query<AlertRow>(`SELECT * FROM alerts WHERE key = $1 AND kind = $2 AND status <> 'resolved' ORDER BY id LIMIT 1 FOR UPDATE`, [key, kind]);
  return rows[0] ? toAlert(rows[0]) : null;
}

/** Alerts newest first (ids are time-ordered), so the cursor is the last id seen and the next page is older. */
export async function listAlerts(db: Queryable, f: AlertFilter): Promise<Page<Alert>> {
  const where = new Where();
  if (f.status !== undefined) where.add((p) => `status = ${p}`, f.status);
  if (f.kpiId !== undefined) where.add((p) => `kpi_id = ${p}`, f.kpiId);
  if (f.severity !== undefined) where.add((p) => `severity = ${p}`, f.severity);
  if (f.kind !== undefined) where.add((p) => `kind = ${p}`, f.kind);
  if (f.silenceId !== undefined) where.add((p) => `silence_id = ${p}`, f.silenceId);
  if (f.silenced !== undefined) where.add((p) => `(silence_id IS NOT NULL) = ${p}`, f.silenced);
  if (f.from !== undefined) where.add((p) => `opened_at >= ${p}`, f.from);
  if (f.to !== undefined) where.add((p) => `opened_at < ${p}`, f.to);
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id < ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<AlertRow>(`SELECT * FROM alerts ${where.sql} ORDER BY id DESC LIMIT ${limit}`, where.params);
  return toPage(rows.map(toAlert), f.limit);
}

interface CounterRow { failure_streak: number; last_notified_at: Date | null }

const KIND_OF_SCOPE: Record<CounterScope, Alert['kind']> = { series: 'breach', kpi: 'failing' };

/** Locks the streaks; lastNotifiedAt is the latest notification of the series' alerts (not stored with them). */
export async function lockCounters(db: Queryable, kpiId: string, scope: CounterScope, key: string): Promise<Counters> {
  await db.query('INSERT INTO alert_counters (kpi_id, scope, key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [kpiId, scope, key]);
  const { rows } = await db.query<CounterRow>(
    `SELECT failure_streak,
            (SELECT max(last_notified_at) FROM alerts WHERE kpi_id = $1 AND key = $3 AND kind = $4) AS last_notified_at
       FROM alert_counters WHERE kpi_id = $1 AND scope = $2 AND key = $3 FOR UPDATE`,
    [kpiId, scope, key, KIND_OF_SCOPE[scope]]);
  const r = rows[0]!;
  return { failureStreak: r.failure_streak, lastNotifiedAt: date(r.last_notified_at) };
}

/** Stores the failure streak (lastNotifiedAt lives on the alerts). */
export async function saveCounters(db: Queryable, kpiId: string, scope: CounterScope, key: string, c: Counters): Promise<void> {
  await db.query('UPDATE alert_counters SET failure_streak = $4 WHERE kpi_id = $1 AND scope = $2 AND key = $3', [kpiId, scope, key, c.failureStreak]);
}

export async function claimDueTimers(db: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM alerts WHERE next_timer_at <= $1 AND status <> 'resolved' ORDER BY next_timer_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit]);
  return rows.map((r) => r.id);
}

export async function listActiveAlerts(db: Queryable, kind?: Alert['kind']): Promise<Alert[]> {
  const { rows } = kind === undefined
    ? await db.query<AlertRow>(`SELECT * FROM alerts WHERE status <> 'resolved' ORDER BY id`)
    : await db.query<AlertRow>(`SELECT * FROM alerts WHERE status <> 'resolved' AND kind = $1 ORDER BY id`, [kind]);
  return rows.map(toAlert);
}

/** The alerts a silence holds become due for the timer worker (which then reconsiders them). */
export async function wakeSilencedAlerts(db: Queryable, silenceId: string, at: Date): Promise<void> {
  await db.query(`UPDATE alerts SET next_timer_at = $2 WHERE silence_id = $1 AND status <> 'resolved'`, [silenceId, at]);
}

/** An owner is a team or a person: the active contacts named so, or with that email, are its contacts. */
export async function ownerContacts(db: Queryable, owner: string): Promise<Contact[]> {
  const { rows } = await db.query<Parameters<typeof toContact>[0]>(
    'SELECT * FROM contacts WHERE active AND (lower(name) = lower($1) OR lower(email) = lower($1)) ORDER BY id', [owner.trim()]);
  return rows.map(toContact);
}

export const alertRepo = (db: Queryable): AlertRepo => ({
  lockCounters: (kpiId, scope, key) => lockCounters(db, kpiId, scope, key),
  saveCounters: (kpiId, scope, key, c) => saveCounters(db, kpiId, scope, key, c),
  lockActive: (kpiId, key, kind) => lockActiveAlert(db, kpiId, key, kind),
  hasActive: async (kpiId, kinds) =>
    (await db.query("SELECT 1 FROM alerts WHERE kpi_id = $1 AND kind = ANY($2::text[]) AND status <> 'resolved' LIMIT 1", [kpiId, [...kinds]])).rows.length > 0,
  lockActiveByKey: (key, kind) => lockActiveAlertByKey(db, key, kind),
  get: (id) => getAlert(db, id),
  lock: (id) => getAlert(db, id, true),
  insert: (a) => insertAlert(db, a),
  update: (a) => updateAlertRow(db, a),
  list: (f) => listAlerts(db, f),
  statistics: (f): Promise<AlertStatistics> => alertStatistics(db, f),
  claimDueTimers: (now, limit) => claimDueTimers(db, now, limit),
  ownerContacts: (owner) => ownerContacts(db, owner),
  listActive: (kind) => listActiveAlerts(db, kind),
  wakeSilenced: (silenceId, at) => wakeSilencedAlerts(db, silenceId, at),
});
