import type { ExecutionResult, ExecutionStatus } from '../../core/executions/outcome.ts';
import { NEW_MODEL, parseModel, type SeriesModel } from '../../core/detection/model.ts';
import { referencesFound, seasonTargets, type PastPoint, type ReferencePlan } from '../../core/detection/references.ts';
import type { SeriesPast } from '../../core/executions/judge-series.ts';
import type { BackfillRun, ExecutionRepo, HeldLease, KpiRunSummary, RecordedRun, RunToSave } from '../../core/executions/ports.ts';
import { seriesKey, seriesKeyOut, type RunState } from '../../core/executions/transitions.ts';
import type { Queryable } from './db.ts';

/** History rows store the single series of a keyless KPI under '' (a NOT NULL key indexes better). */
export const keyFromColumn = seriesKeyOut;

const COLUMNS = [
  'run_id', 'kpi_id', 'series_key', 'trigger', 'slot_at', 'window_start', 'window_end', 'started_at', 'finished_at', 'duration_ms',
  'status', 'value', 'baseline', 'baseline_source', 'baseline_windows', 'deviation_percent', 'outcome', 'reasons',
  'no_judgement_reason', 'seasonal', 'band_low', 'band_high', 'basis', 'anomalous', 'error', 'rows_returned', 'node_id', 'trace_id',
] as const;

type RowValues = unknown[];

function runRows(r: ExecutionResult): RowValues[] {
  const common = (key: string | null) => [
    r.runId, r.kpiId, seriesKey(key), r.trigger, r.slot, r.window.start, r.window.end, r.startedAt, r.finishedAt,
    r.finishedAt.getTime() - r.startedAt.getTime(), r.status,
  ];
  const tail = [r.error, r.rowsReturned, r.nodeId, r.traceId];
  if (r.series.length === 0) return [[...common(null), null, null, null, 0, null, null, null, null, null, null, null, null, false, ...tail]];
  return r.series.map((s) => [
    ...common(s.key), s.value, s.baseline, s.baselineSource, s.baselineWindows, s.deviationPercent, s.outcome.kind,
    s.outcome.kind === 'breach' ? JSON.stringify(s.outcome.reasons) : null, s.outcome.kind === 'no_judgement' ? s.outcome.reason : null,
    s.seasonal, s.band?.low ?? null, s.band?.high ?? null, s.basis === null ? null : JSON.stringify(s.basis), s.anomalous, ...tail,
  ]);
}

function backfillRows(kpiId: string, nodeId: string, b: BackfillRun): RowValues[] {
  const common = (key: string | null) => [b.runId, kpiId, seriesKey(key), 'backfill', b.window.end, b.window.start, b.window.end, b.startedAt, b.finishedAt, b.finishedAt.getTime() - b.startedAt.getTime(), b.status];
  const tail = [b.error, b.rowsReturned, nodeId, null];
  const series = b.values.length > 0 ? b.values : [{ key: null, value: null }];
  return series.map((v) => [...common(v.key), v.value, null, null, 0, null, null, null, null, null, null, null, null, false, ...tail]);
}

/** Rows per INSERT: a statement takes at most 65 535 parameters (the protocol's limit), a row 28. */
export const HISTORY_ROWS_PER_STATEMENT = 2_000;

const tuplesOf = (rows: RowValues[], params: unknown[]): string[] => rows.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`);

/**
 * The history rows of runs (of different KPIs), their new run states and their series' models: one
 * statement (one round trip) for the usual batch, more when the rows would pass the parameter limit
 * (the caller's transaction keeps them together). A run state moves only forward (last_run_at).
 */
async function insertRowsAndStates(db: Queryable, runs: readonly RunToSave[]): Promise<void> {
  if (runs.length === 0) return;
  const all = runs.flatMap((r) => [...r.backfill.flatMap((b) => backfillRows(r.kpiId, r.run.nodeId, b)), ...runRows(r.run)]);
  const last = Math.max(0, all.length - HISTORY_ROWS_PER_STATEMENT);
  for (let i = 0; i < last; i += HISTORY_ROWS_PER_STATEMENT) {
    const params: unknown[] = [];
    const chunk = all.slice(i, Math.min(i + HISTORY_ROWS_PER_STATEMENT, last));
    await db.query(`INSERT INTO executions (${COLUMNS.join(', ')}) VALUES ${tuplesOf(chunk, params).join(', ')}`, params);
  }
  const params: unknown[] = [];
  const tuples = tuplesOf(all.slice(last), params);
  const p = (v: unknown) => `$${params.push(v)}`;
  const models = runs.flatMap((r) => [...r.models].map(([key, model]) => ({ kpiId: r.kpiId, key, model: JSON.stringify(model), at: r.run.finishedAt })));
  const modelsCte = models.length === 0 ? '' : `, models AS (
       INSERT INTO series_models (kpi_id, series_key, model, updated_at)
       SELECT * FROM unnest(${p(models.map((m) => m.kpiId))}::text[], ${p(models.map((m) => m.key))}::text[], ${p(models.map((m) => m.model))}::jsonb[], ${p(models.map((m) => m.at))}::timestamptz[])
       ON CONFLICT (kpi_id, series_key) DO UPDATE SET model = EXCLUDED.model, updated_at = EXCLUDED.updated_at)`;
  const col = <T>(f: (r: RunToSave) => T) => p(runs.map(f));
  await db.query(
    `WITH history AS (INSERT INTO executions (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')})${modelsCte}
     UPDATE kpi_runs r SET last_run_at = s.started, last_status = s.status, last_value = s.value, last_error = s.error,
            breaching_keys = ARRAY(SELECT jsonb_array_elements_text(s.keys))
       FROM unnest(${col((r) => r.kpiId)}::text[], ${col((r) => r.run.startedAt)}::timestamptz[], ${col((r) => r.next.lastStatus)}::text[],
                   ${col((r) => r.run.series.find((x) => x.value !== null)?.value ?? null)}::float8[], ${col((r) => r.run.error)}::text[],
                   ${col((r) => JSON.stringify(r.next.breachingKeys))}::jsonb[]) AS s(kpi_id, started, status, value, error, keys)
      WHERE r.kpi_id = s.kpi_id AND (r.last_run_at IS NULL OR r.last_run_at <= s.started)`,
    params,
  );
}

interface PastRow {
  key: string;
  model: unknown;
  recent: { at: string; value: number; seasonal: number | null }[];
  seasonal: { n: number; at: string; value: number; seasonal: number | null; anomalous: boolean }[];
}

/** One look-up of SeriesHistory: a KPI's series keys and the plan of its run. */
export interface HistoryRequest {
  readonly kpiId: string;
  readonly keys: readonly string[];
  readonly plan: ReferencePlan;
}

/**
 * The models and reference points of many KPIs' series (one request per run), in one query: per
 * request and key its model, its latest runs that were no anomaly (the level), and the run nearest each
 * seasonal target that may serve as season (servesAsSeason in core/detection/references.ts: no
 * anomaly, or one judged without a season). Runs inside a maintenance window (maintenance_window_id,
 * core/maintenance) serve as neither. A key with neither a model nor any past run has no entry.
 */
export async function seriesHistories(db: Queryable, requests: readonly HistoryRequest[]): Promise<ReadonlyMap<string, SeriesPast>[]> {
  const out = requests.map(() => new Map<string, SeriesPast>());
  const wanted = requests.flatMap((r, n) => [...new Set(r.keys)].map((key) => ({
    n, kpi_id: r.kpiId, key, recent_since: r.plan.recentSince.toISOString(), slot: r.plan.slot.toISOString(), recent_limit: r.plan.recentLimit,
    targets: seasonTargets(r.plan).map((t) => t.toISOString()), tolerance_ms: r.plan.toleranceMs,
  })));
  if (wanted.length === 0) return out;
  const { rows } = await db.query<PastRow & { n: number }>(
    `SELECT q.n, q.key,
       (SELECT model FROM series_models m WHERE m.kpi_id = q.kpi_id AND m.series_key = q.key) AS model,
       (SELECT coalesce(json_agg(json_build_object('at', r.window_end, 'value', r.value, 'seasonal', r.seasonal) ORDER BY r.window_end DESC), '[]')
          FROM (SELECT window_end, value, seasonal FROM executions
                 WHERE kpi_id = q.kpi_id AND series_key = q.key AND status = 'success' AND NOT anomalous AND value IS NOT NULL AND maintenance_window_id IS NULL
                   AND window_end >= q.recent_since AND window_end < q.slot
                 ORDER BY window_end DESC LIMIT q.recent_limit) r) AS recent,
       (SELECT coalesce(json_agg(json_build_object('n', t.i, 'at', e.window_end, 'value', e.value, 'seasonal', e.seasonal, 'anomalous', e.anomalous)), '[]')
          FROM jsonb_array_elements_text(q.targets) WITH ORDINALITY AS t(target, i)
          CROSS JOIN LATERAL (
            SELECT window_end, value, seasonal, anomalous FROM executions
             WHERE kpi_id = q.kpi_id AND series_key = q.key AND status = 'success' AND value IS NOT NULL AND (NOT anomalous OR seasonal IS NULL)
               AND maintenance_window_id IS NULL
               AND window_end BETWEEN t.target::timestamptz - q.tolerance_ms * interval '1 millisecond' AND t.target::timestamptz + q.tolerance_ms * interval '1 millisecond'
             ORDER BY abs(extract(epoch FROM window_end - t.target::timestamptz)), id DESC LIMIT 1) e) AS seasonal
       FROM jsonb_to_recordset($1::jsonb) AS q(n int, kpi_id text, key text, recent_since timestamptz, slot timestamptz, recent_limit int, targets jsonb, tolerance_ms float8)`,
    [JSON.stringify(wanted)],
  );
  for (const r of rows) {
    if (r.model === null && r.recent.length === 0 && r.seasonal.length === 0) continue;
    const plan = requests[r.n]!.plan;
    const found: (PastPoint | null)[] = seasonTargets(plan).map(() => null);
    for (const f of r.seasonal) found[f.n - 1] = { at: new Date(f.at), value: f.value, seasonal: f.seasonal, anomalous: f.anomalous };
    const recent = r.recent.map((x) => ({ at: new Date(x.at), value: x.value, seasonal: x.seasonal, anomalous: false }));
    out[r.n]!.set(r.key, { model: r.model === null ? NEW_MODEL : parseModel(r.model), refs: referencesFound(plan, recent, found) });
  }
  return out;
}

/** The models and reference points of one KPI's series for a plan (seriesHistories with one request). */
export async function seriesHistory(db: Queryable, kpiId: string, keys: readonly string[], plan: ReferencePlan): Promise<ReadonlyMap<string, SeriesPast>> {
  return (await seriesHistories(db, [{ kpiId, keys, plan }]))[0]!;
}

export async function lockRunState(db: Queryable, kpiId: string): Promise<RunState> {
  await db.query('INSERT INTO kpi_runs (kpi_id) SELECT id FROM kpis WHERE id = $1 ON CONFLICT (kpi_id) DO NOTHING', [kpiId]);
  const { rows } = await db.query<{ last_status: ExecutionStatus | null; breaching_keys: string[] }>(
    'SELECT last_status, breaching_keys FROM kpi_runs WHERE kpi_id = $1 FOR UPDATE', [kpiId],
  );
  return { lastStatus: rows[0]?.last_status ?? null, breachingKeys: rows[0]?.breaching_keys ?? [] };
}

export const saveRuns = (db: Queryable, runs: readonly RunToSave[]): Promise<void> => insertRowsAndStates(db, runs);

/** Ends scheduled runs' leases still held (the UPDATE locks the rows, so the states returned are the ones the recorder may change); the leases another node took over are missing from the answer. */
export async function releaseLeases(db: Queryable, leases: readonly HeldLease[]): Promise<ReadonlyMap<string, RunState>> {
  if (leases.length === 0) return new Map();
  const { rows } = await db.query<{ kpi_id: string; last_status: ExecutionStatus | null; breaching_keys: string[] }>(
    `UPDATE kpi_runs r SET lease_token = NULL, lease_owner = NULL, lease_until = NULL, running_slot = NULL, running_since = NULL
       FROM unnest($1::text[], $2::text[]) AS l(kpi_id, token)
      WHERE r.kpi_id = l.kpi_id AND r.lease_token = l.token RETURNING r.kpi_id, r.last_status, r.breaching_keys`,
    [leases.map((l) => l.kpiId), leases.map((l) => l.leaseToken)],
  );
  return new Map(rows.map((r) => [r.kpi_id, { lastStatus: r.last_status, breachingKeys: r.breaching_keys }]));
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
  const { rows } = await db.query<{ run_id: string; slot_at: Date; series_key: string; value: number | null; baseline: number | null; deviation_percent: number | null; outcome: string | null; band_low: number | null; band_high: number | null }>(
    `SELECT run_id, slot_at, series_key, value, baseline, deviation_percent, outcome, band_low, band_high FROM executions
      WHERE kpi_id = $1 AND run_id = (SELECT run_id FROM executions WHERE kpi_id = $1 AND trigger <> 'backfill' AND value IS NOT NULL ORDER BY id DESC LIMIT 1)
      ORDER BY id`,
    [kpiId],
  );
  if (rows.length === 0) return null;
  return {
    runId: rows[0]!.run_id, slot: new Date(rows[0]!.slot_at),
    series: rows.map((r) => ({
      key: keyFromColumn(r.series_key), value: r.value, baseline: r.baseline, deviationPercent: r.deviation_percent, breach: r.outcome === 'breach',
      band: r.outcome === null || r.outcome === 'no_judgement' ? null : { low: r.band_low, high: r.band_high },
    })),
  };
}

/** `history`: how look-ups outside a transaction are answered (a batcher that puts concurrent runs' look-ups in one query). */
export const executionRepo = (db: Queryable, history?: ExecutionRepo['seriesHistory']): ExecutionRepo => ({
  seriesHistory: history ?? ((kpiId, keys, plan) => seriesHistory(db, kpiId, keys, plan)),
  lockRunState: (kpiId) => lockRunState(db, kpiId),
  saveRun: (kpiId, run, backfill, next, models) => saveRuns(db, [{ kpiId, run, backfill, next, models }]),
  saveRuns: (runs) => saveRuns(db, runs),
  releaseLease: async (kpiId, token) => (await releaseLeases(db, [{ kpiId, leaseToken: token }])).get(kpiId) ?? null,
  releaseLeases: (leases) => releaseLeases(db, leases),
  setKpiVersion: async (kpiId, version) => void (await db.query('UPDATE kpis SET version = $2 WHERE id = $1', [kpiId, version])),
  summaries: (ids) => runSummaries(db, ids),
  lastRunWithValue: (kpiId) => lastRunWithValue(db, kpiId),
});
