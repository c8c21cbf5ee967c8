import type { ExecutionResult, ExecutionStatus } from '../../core/executions/outcome.ts';
import type { BackfillRun, ExecutionRepo, KpiRunSummary, RecordedRun, SeriesPastValue } from '../../core/executions/ports.ts';
import { seriesKey, type RunState } from '../../core/executions/transitions.ts';
import type { Queryable } from './db.ts';

/** History rows store the single series of a keyless KPI under '' (a NOT NULL key indexes better). */
export const keyFromColumn = (k: string): string | null => (k === '' ? null : k);

const COLUMNS = [
  'run_id', 'kpi_id', 'series_key', 'trigger', 'slot_at', 'window_start', 'window_end', 'started_at', 'finished_at', 'duration_ms',
  'status', 'value', 'baseline', 'baseline_source', 'baseline_windows', 'deviation_percent', 'outcome', 'reasons',
  'no_judgement_reason', 'error', 'rows_returned', 'node_id', 'trace_id',
] as const;

type RowValues = unknown[];

function runRows(r: ExecutionResult): RowValues[] {
  const common = (key: string | null) => [
    r.runId, r.kpiId, seriesKey(key), r.trigger, r.slot, r.window.start, r.window.end, r.startedAt, r.finishedAt,
    r.finishedAt.getTime() - r.startedAt.getTime(), r.status,
  ];
  const tail = [r.error, r.rowsReturned, r.nodeId, r.traceId];
  if (r.series.length === 0) return [[...common(null), null, null, null, 0, null, null, null, null, ...tail]];
  return r.series.map((s) => [
    ...common(s.key), s.value, s.baseline, s.baselineSource, s.baselineWindows, s.deviationPercent, s.outcome.kind,
    s.outcome.kind === 'breach' ? JSON.stringify(s.outcome.reasons) : null, s.outcome.kind === 'no_judgement' ? s.outcome.reason : null, ...tail,
  ]);
}

function backfillRows(kpiId: string, nodeId: string, b: BackfillRun): RowValues[] {
  const common = (key: string | null) => [b.runId, kpiId, seriesKey(key), 'backfill', b.window.end, b.window.start, b.window.end, b.startedAt, b.finishedAt, b.finishedAt.getTime() - b.startedAt.getTime(), b.status];
  const tail = [b.error, b.rowsReturned, nodeId, null];
  const series = b.values.length > 0 ? b.values : [{ key: null, value: null }];
  return series.map((v) => [...common(v.key), v.value, null, null, 0, null, null, null, null, ...tail]);
}

/** Rows per INSERT: a statement takes at most 65 535 parameters (the protocol's limit), a row 23. */
export const HISTORY_ROWS_PER_STATEMENT = 2_000;

const tuplesOf = (rows: RowValues[], params: unknown[]): string[] => rows.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);

/**
 * The history rows of a run and its new run state: one statement (one round trip) for the usual run,
 * more when the rows would pass the parameter limit (the caller's transaction keeps them together).
 */
async function insertRowsAndState(db: Queryable, all: RowValues[], kpiId: string, run: ExecutionResult, next: RunState): Promise<void> {
  const last = Math.max(0, all.length - HISTORY_ROWS_PER_STATEMENT);
  for (let i = 0; i < last; i += HISTORY_ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const chunk = all.slice(i, Math.min(i + HISTORY_ROWS_PER_STATEMENT, last));
    await db.query(`INSERT INTO executions (${COLUMNS.join(', ')}) VALUES ${tuplesOf(chunk, params).join(', ')}`, params);
  }
  const rows = all.slice(last);
  const params: unknown[] = [];
  const tuples = tuplesOf(rows, params);
  const firstValue = run.series.find((s) => s.value !== null)?.value ?? null;
  const p = (v: unknown) => `$${params.push(v)}`;
  const started = p(run.startedAt);
  await db.query(
    `WITH history AS (INSERT INTO executions (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')})
     UPDATE kpi_runs SET last_run_at = ${started}, last_status = ${p(next.lastStatus)}, last_value = ${p(firstValue)},
            last_error = ${p(run.error)}, breaching_keys = ${p(next.breachingKeys)}
      WHERE kpi_id = ${p(kpiId)} AND (last_run_at IS NULL OR last_run_at <= ${started})`,
    params,
  );
}

export async function pastValues(db: Queryable, kpiId: string, keys: readonly (string | null)[], targets: readonly Date[], toleranceMs: number): Promise<SeriesPastValue[]> {
  if (keys.length === 0 || targets.length === 0) return [];
  const { rows } = await db.query<{ key: string; target: Date; value: number }>(
    `SELECT k.key, t.target, e.value
       FROM unnest($2::text[]) AS k(key)
       CROSS JOIN unnest($3::timestamptz[]) AS t(target)
       CROSS JOIN LATERAL (
         SELECT value FROM executions
          WHERE kpi_id = $1 AND series_key = k.key AND status = 'success' AND value IS NOT NULL
            AND window_end BETWEEN t.target - $4 * interval '1 millisecond' AND t.target + $4 * interval '1 millisecond'
          ORDER BY abs(extract(epoch FROM window_end - t.target)), id DESC
          LIMIT 1) e`,
    [kpiId, [...new Set(keys.map(seriesKey))], targets.map((t) => t.toISOString()), toleranceMs],
  );
  return rows.map((r) => ({ key: keyFromColumn(r.key), target: new Date(r.target), value: r.value }));
}

export async function lockRunState(db: Queryable, kpiId: string): Promise<RunState> {
  await db.query('INSERT INTO kpi_runs (kpi_id) SELECT id FROM kpis WHERE id = $1 ON CONFLICT (kpi_id) DO NOTHING', [kpiId]);
  const { rows } = await db.query<{ last_status: ExecutionStatus | null; breaching_keys: string[] }>(
    'SELECT last_status, breaching_keys FROM kpi_runs WHERE kpi_id = $1 FOR UPDATE', [kpiId],
  );
  return { lastStatus: rows[0]?.last_status ?? null, breachingKeys: rows[0]?.breaching_keys ?? [] };
}

export async function saveRun(db: Queryable, kpiId: string, run: ExecutionResult, backfill: readonly BackfillRun[], next: RunState): Promise<void> {
  await insertRowsAndState(db, [...backfill.flatMap((b) => backfillRows(kpiId, run.nodeId, b)), ...runRows(run)], kpiId, run, next);
}

/** The UPDATE locks the row too, so the state it returns is the one the recorder may change. */
export async function releaseLease(db: Queryable, kpiId: string, leaseToken: string): Promise<RunState | null> {
  const { rows } = await db.query<{ last_status: ExecutionStatus | null; breaching_keys: string[] }>(
    `UPDATE kpi_runs SET lease_token = NULL, lease_owner = NULL, lease_until = NULL, running_slot = NULL, running_since = NULL
      WHERE kpi_id = $1 AND lease_token = $2 RETURNING last_status, breaching_keys`,
    [kpiId, leaseToken],
  );
  return rows[0] === undefined ? null : { lastStatus: rows[0].last_status, breachingKeys: rows[0].breaching_keys };
}

export async function runSummaries(db: Queryable, kpiIds: readonly string[]): Promise<KpiRunSummary[]> {
  if (kpiIds.length === 0) return [];
  const { rows } = await db.query<{ kpi_id: string; last_run_at: Date | null; last_status: ExecutionStatus | null; last_value: number | null; next_run_at: Date | null }>(
    'SELECT kpi_id, last_run_at, last_status, last_value, next_run_at FROM kpi_runs WHERE kpi_id = ANY ($1::text[])', [kpiIds],
  );
  const date = (d: Date | null) => (d === null ? null : new Date(d));
  return rows.map((r) => ({ kpiId: r.kpi_id, lastRunAt: date(r.last_run_at), lastStatus: r.last_status, lastValue: r.last_value, nextRunAt: date(r.next_run_at) }));
}

export async function lastRunWithValue(db: Queryable, kpiId: string): Promise<RecordedRun | null> {
  const { rows } = await db.query<{ run_id: string; slot_at: Date; series_key: string; value: number | null; baseline: number | null; deviation_percent: number | null; outcome: string | null }>(
    `SELECT run_id, slot_at, series_key, value, baseline, deviation_percent, outcome FROM executions
      WHERE kpi_id = $1 AND run_id = (SELECT run_id FROM executions WHERE kpi_id = $1 AND trigger <> 'backfill' AND value IS NOT NULL ORDER BY id DESC LIMIT 1)
      ORDER BY id`,
    [kpiId],
  );
  if (rows.length === 0) return null;
  return {
    runId: rows[0]!.run_id, slot: new Date(rows[0]!.slot_at),
    series: rows.map((r) => ({ key: keyFromColumn(r.series_key), value: r.value, baseline: r.baseline, deviationPercent: r.deviation_percent, breach: r.outcome === 'breach' })),
  };
}

export const executionRepo = (db: Queryable): ExecutionRepo => ({
  pastValues: (kpiId, keys, targets, toleranceMs) => pastValues(db, kpiId, keys, targets, toleranceMs),
  lockRunState: (kpiId) => lockRunState(db, kpiId),
  saveRun: (kpiId, run, backfill, next) => saveRun(db, kpiId, run, backfill, next),
  releaseLease: (kpiId, token) => releaseLease(db, kpiId, token),
  setKpiVersion: async (kpiId, version) => void (await db.query('UPDATE kpis SET version = $2 WHERE id = $1', [kpiId, version])),
  summaries: (ids) => runSummaries(db, ids),
  lastRunWithValue: (kpiId) => lastRunWithValue(db, kpiId),
});
