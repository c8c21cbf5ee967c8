import { conflict } from '../../core/errors.ts';
import type { ExecutionStatus } from '../../core/executions/outcome.ts';
import type { KpiRunSummary } from '../../core/executions/ports.ts';
import type { Kpi } from '../../core/kpis/kpi.ts';
import type { KpiFilter, KpiRepo, Page } from '../../core/ports.ts';
import { sqlState, UNIQUE_VIOLATION, type Queryable } from './db.ts';
import { decodeCursor, toPage, Where } from './paging.ts';

interface KpiRow {
  id: string; indicator: string; owner: string; priority: number; frequency_minutes: number | null; cron: string | null;
  timezone: string; last_minutes: number; sensitivity: Kpi['sensitivity']; deviation_percent: number | null; direction: Kpi['direction'];
  min_threshold: number | null; max_threshold: number | null; threshold_combine: Kpi['thresholdCombine'];
  baseline_weeks: number; baseline_aggregate: Kpi['baselineAggregate']; data_source_id: string; query: string;
  subject_template: string; description_template: string; contact_ids: string[]; cooldown_minutes: number;
  timeout_seconds: number; active: boolean; version: number; created_at: Date; updated_at: Date;
  pending_executions: number | null; resolve_after_executions: number | null; failing_after_failures: number | null;
  reminder_minutes: number | null; escalate_after_minutes: number | null; no_data_policy: Kpi['noDataPolicy'];
  labels: Record<string, string>;
}

export const toKpi = (r: KpiRow): Kpi => ({
  id: r.id, indicator: r.indicator, owner: r.owner, priority: r.priority as 1 | 2, frequencyMinutes: r.frequency_minutes,
  cron: r.cron, timezone: r.timezone, lastMinutes: r.last_minutes, sensitivity: r.sensitivity, deviationPercent: r.deviation_percent,
  direction: r.direction, minThreshold: r.min_threshold, maxThreshold: r.max_threshold, thresholdCombine: r.threshold_combine,
  baselineWeeks: r.baseline_weeks, baselineAggregate: r.baseline_aggregate, dataSourceId: r.data_source_id, query: r.query,
  subjectTemplate: r.subject_template, descriptionTemplate: r.description_template, contactIds: r.contact_ids,
  cooldownMinutes: r.cooldown_minutes, timeoutSeconds: r.timeout_seconds, active: r.active, version: r.version,
  createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
  pendingExecutions: r.pending_executions, resolveAfterExecutions: r.resolve_after_executions,
  failingAfterFailures: r.failing_after_failures, reminderMinutes: r.reminder_minutes, escalateAfterMinutes: r.escalate_after_minutes,
  noDataPolicy: r.no_data_policy, labels: r.labels,
});

const COLUMNS = [
  'id', 'indicator', 'owner', 'priority', 'frequency_minutes', 'cron', 'timezone', 'last_minutes', 'deviation_percent',
  'direction', 'min_threshold', 'max_threshold', 'threshold_combine', 'baseline_weeks', 'baseline_aggregate',
  'data_source_id', 'query', 'subject_template', 'description_template', 'contact_ids', 'cooldown_minutes',
  'timeout_seconds', 'active', 'version', 'created_at', 'updated_at',
  'pending_executions', 'resolve_after_executions', 'failing_after_failures', 'reminder_minutes', 'escalate_after_minutes',
  'sensitivity', 'no_data_policy', 'labels',
] as const;

const values = (k: Kpi): unknown[] => [
  k.id, k.indicator, k.owner, k.priority, k.frequencyMinutes, k.cron, k.timezone, k.lastMinutes, k.deviationPercent,
  k.direction, k.minThreshold, k.maxThreshold, k.thresholdCombine, k.baselineWeeks, k.baselineAggregate,
  k.dataSourceId, k.query, k.subjectTemplate, k.descriptionTemplate, k.contactIds, k.cooldownMinutes,
  k.timeoutSeconds, k.active, k.version, k.createdAt, k.updatedAt,
  k.pendingExecutions, k.resolveAfterExecutions, k.failingAfterFailures, k.reminderMinutes, k.escalateAfterMinutes,
  k.sensitivity, k.noDataPolicy, JSON.stringify(k.labels),
];

const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');

/** The unique index on indicator backs the command's check when two creates race. */
const rethrowUnique = (k: Kpi) => (e: unknown): never => {
  if (sqlState(e) === UNIQUE_VIOLATION) throw conflict(`a KPI named ${k.indicator} exists already`);
  throw e;
};

export async function getKpi(db: Queryable, id: string): Promise<Kpi | null> {
  const { rows } = await db.query<KpiRow>('SELECT * FROM kpis WHERE id = $1', [id]);
  return rows[0] ? toKpi(rows[0]) : null;
}

/** One round trip instead of the KPI and then its run summary (executions.repo.ts#runSummaries). */
export async function getKpiWithRun(db: Queryable, id: string): Promise<{ kpi: Kpi; run: KpiRunSummary | null } | null> {
  const { rows } = await db.query<KpiRow & { run_kpi_id: string | null; run_last_run_at: Date | null; run_last_status: ExecutionStatus | null; run_last_value: number | null; run_next_run_at: Date | null }>(
    `SELECT k.*, r.kpi_id AS run_kpi_id, r.last_run_at AS run_last_run_at, r.last_status AS run_last_status, r.last_value AS run_last_value,
            r.next_run_at AS run_next_run_at
       FROM kpis k LEFT JOIN kpi_runs r ON r.kpi_id = k.id WHERE k.id = $1`, [id],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const date = (d: Date | null) => (d === null ? null : new Date(d));
  const run = row.run_kpi_id === null ? null : {
    kpiId: row.run_kpi_id, lastRunAt: date(row.run_last_run_at), lastStatus: row.run_last_status, lastValue: row.run_last_value, nextRunAt: date(row.run_next_run_at),
  };
  return { kpi: toKpi(row), run };
}

export async function findKpiByIndicator(db: Queryable, indicator: string): Promise<Kpi | null> {
  const { rows } = await db.query<KpiRow>('SELECT * FROM kpis WHERE indicator = $1', [indicator]);
  return rows[0] ? toKpi(rows[0]) : null;
}

export async function listKpis(db: Queryable, f: KpiFilter): Promise<Page<Kpi>> {
  const where = new Where();
  if (f.active !== undefined) where.add((p) => `active = ${p}`, f.active);
  if (f.owner !== undefined) where.add((p) => `owner = ${p}`, f.owner);
  if (f.priority !== undefined) where.add((p) => `priority = ${p}`, f.priority);
  if (f.dataSourceId !== undefined) where.add((p) => `data_source_id = ${p}`, f.dataSourceId);
  if (f.contactId !== undefined) where.add((p) => `${p} = ANY (contact_ids)`, f.contactId);
  if (f.q !== undefined && f.q !== '') {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.add((p) => `(indicator ILIKE ${p} OR owner ILIKE ${p} OR subject_template ILIKE ${p})`, like);
  }
  const after = decodeCursor(f.cursor);
  if (after !== null) where.add((p) => `id > ${p}`, after);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<KpiRow>(`SELECT * FROM kpis ${where.sql} ORDER BY id LIMIT ${limit}`, where.params);
  return toPage(rows.map(toKpi), f.limit);
}

export async function kpisReferencing(db: Queryable, ref: { contactId?: string; dataSourceId?: string }): Promise<string[]> {
  const { rows } = ref.contactId !== undefined
    ? await db.query<{ id: string }>('SELECT id FROM kpis WHERE $1 = ANY (contact_ids) ORDER BY id', [ref.contactId])
    : await db.query<{ id: string }>('SELECT id FROM kpis WHERE data_source_id = $1 ORDER BY id', [ref.dataSourceId]);
  return rows.map((r) => r.id);
}

export async function insertKpi(db: Queryable, k: Kpi): Promise<void> {
  await db.query(`INSERT INTO kpis (${COLUMNS.join(', ')}) VALUES (${placeholders})`, values(k)).catch(rethrowUnique(k));
}

export async function updateKpiRow(db: Queryable, k: Kpi): Promise<void> {
  const sets = COLUMNS.slice(1).map((c, i) => `${c} = $${i + 2}`).join(', ');
  // Any change may move the schedule or the active flag: the scheduler's sync looks at the KPI again.
  await db.query(`UPDATE kpis SET ${sets}, schedule_dirty = true WHERE id = $1`, values(k)).catch(rethrowUnique(k));
}

export async function deleteKpiRow(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM kpis WHERE id = $1', [id]);
}

export const kpiRepo = (db: Queryable): KpiRepo => ({
  get: (id) => getKpi(db, id),
  getWithRun: (id) => getKpiWithRun(db, id),
  findByIndicator: (indicator) => findKpiByIndicator(db, indicator),
  list: (f) => listKpis(db, f),
  referencing: (ref) => kpisReferencing(db, ref),
  insert: (k) => insertKpi(db, k),
  update: (k) => updateKpiRow(db, k),
  remove: (id) => deleteKpiRow(db, id),
});
