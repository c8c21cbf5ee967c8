import type { ExecutionResult, ExecutionStatus } from '../../core/executions/outcome.ts';
import { NEW_MODEL, parseModel, type SeriesModel } from '../../core/detection/model.ts';
import type { PastPoint, ReferencePlan } from '../../core/detection/references.ts';
import type { SeriesPast } from '../../core/executions/judge-series.ts';
import type { BackfillRun, ExecutionRepo, KpiRunSummary, RecordedRun } from '../../core/executions/ports.ts';
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
 * The history rows of a run, its new run state and its series' models: one statement (one round trip)
 * for the usual run, more when the rows would pass the parameter limit (the caller's transaction keeps
 * them together).
 */
async function insertRowsAndState(db: Queryable, all: RowValues[], kpiId: string, run: ExecutionResult, next: RunState, models: ReadonlyMap<string, SeriesModel>): Promise<void> {
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
  const kpi = p(kpiId);
  const modelsCte = models.size === 0 ? '' : `, models AS (
       INSERT INTO series_models (kpi_id, series_key, model, updated_at)
       SELECT ${kpi}, m.key, m.model, ${p(run.finishedAt)}
         FROM unnest(${p([...models.keys()])}::text[], ${p([...models.values()].map((m) => JSON.stringify(m)))}::jsonb[]) AS m(key, model)
       ON CONFLICT (kpi_id, series_key) DO UPDATE SET model = EXCLUDED.model, updated_at = EXCLUDED.updated_at)`;
  await db.query(
    `WITH history AS (INSERT INTO executions (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')})${modelsCte}
     UPDATE kpi_runs SET last_run_at = ${started}, last_status = ${p(next.lastStatus)}, last_value = ${p(firstValue)},
            last_error = ${p(run.error)}, breaching_keys = ${p(next.breachingKeys)}
      WHERE kpi_id = ${kpi} AND (last_run_at IS NULL OR last_run_at <= ${started})`,
    params,
  );
}

interface PastRow {
  key: string;
  model: unknown;
  recent: { at: string; value: number; seasonal: number | null }[];
  seasonal: { n: number; at: string; value: number; seasonal: number | null; anomalous: boolean }[];
}

/**
 * The models and reference points of a KPI's series for a plan, in one query: per key its model, its
 * latest runs that were no anomaly (the level), and the run nearest each seasonal target that may
 * serve as season (servesAsSeason in core/detection/references.ts: no anomaly, or one judged without
 * a season). Runs inside a maintenance window (maintenance_window_id, core/maintenance) serve as
 * neither. A key with neither a model nor any past run has no entry.
 */
export async function seriesHistory(db: Queryable, kpiId: string, keys: readonly string[], plan: ReferencePlan): Promise<ReadonlyMap<string, SeriesPast>> {
  if (keys.length === 0) return new Map();
  const targets = [...plan.daily, ...plan.weekly];
  const { rows } = await db.query<PastRow>(
    `SELECT k.key,
       (SELECT model FROM series_models m WHERE m.kpi_id = $1 AND m.series_key = k.key) AS model,
       (SELECT coalesce(json_agg(json_build_object('at', r.window_end, 'value', r.value, 'seasonal', r.seasonal) ORDER BY r.window_end DESC), '[]')
          FROM (SELECT window_end, value, seasonal FROM executions
                 WHERE kpi_id = $1 AND series_key = k.key AND status = 'success' AND NOT anomalous AND value IS NOT NULL AND maintenance_window_id IS NULL
                   AND window_end >= $3 AND window_end < $4
                 ORDER BY window_end DESC LIMIT $5) r) AS recent,
       (SELECT coalesce(json_agg(json_build_object('n', t.n, 'at', e.window_end, 'value', e.value, 'seasonal', e.seasonal, 'anomalous', e.anomalous)), '[]')
          FROM unnest($6::timestamptz[]) WITH ORDINALITY AS t(target, n)
          CROSS JOIN LATERAL (
            SELECT window_end, value, seasonal, anomalous FROM executions
             WHERE kpi_id = $1 AND series_key = k.key AND status = 'success' AND value IS NOT NULL AND (NOT anomalous OR seasonal IS NULL)
               AND maintenance_window_id IS NULL
               AND window_end BETWEEN t.target - $7 * interval '1 millisecond' AND t.target + $7 * interval '1 millisecond'
             ORDER BY abs(extract(epoch FROM window_end - t.target)), id DESC LIMIT 1) e) AS seasonal
       FROM unnest($2::text[]) AS k(key)`,
    [kpiId, [...new Set(keys)], plan.recentSince, plan.slot, plan.recentLimit, targets.map((t) => t.toISOString()), plan.toleranceMs],
  );
  const out = new Map<string, SeriesPast>();
  for (const r of rows) {
    if (r.model === null && r.recent.length === 0 && r.seasonal.length === 0) continue;
    const target = (n: number): PastPoint | null => {
      const f = r.seasonal.find((x) => x.n === n);
      return f === undefined ? null : { at: new Date(f.at), value: f.value, seasonal: f.seasonal, anomalous: f.anomalous };
    };
    out.set(r.key, {
      model: r.model === null ? NEW_MODEL : parseModel(r.model),
      refs: {
        recent: r.recent.map((x) => ({ at: new Date(x.at), value: x.value, seasonal: x.seasonal, anomalous: false })),
        daily: plan.daily.map((_, i) => target(i + 1)),
        weekly: plan.weekly.map((_, i) => target(plan.daily.length + i + 1)),
      },
    });
  }
  return out;
}

export async function lockRunState(db: Queryable, kpiId: string): Promise<RunState> {
  await db.query('INSERT INTO kpi_runs (kpi_id) SELECT id FROM kpis WHERE id = $1 ON CONFLICT (kpi_id) DO NOTHING', [kpiId]);
  const { rows } = await db.query<{ last_status: ExecutionStatus | null; breaching_keys: string[] }>(
    'SELECT last_status, breaching_keys FROM kpi_runs WHERE kpi_id = $1 FOR UPDATE', [kpiId],
  );
  return { lastStatus: rows[0]?.last_status ?? null, breachingKeys: rows[0]?.breaching_keys ?? [] };
}

export async function saveRun(db: Queryable, kpiId: string, run: ExecutionResult, backfill: readonly BackfillRun[], next: RunState, models: ReadonlyMap<string, SeriesModel>): Promise<void> {
  await insertRowsAndState(db, [...backfill.flatMap((b) => backfillRows(kpiId, run.nodeId, b)), ...runRows(run)], kpiId, run, next, models);
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

export const executionRepo = (db: Queryable): ExecutionRepo => ({
  seriesHistory: (kpiId, keys, plan) => seriesHistory(db, kpiId, keys, plan),
  lockRunState: (kpiId) => lockRunState(db, kpiId),
  saveRun: (kpiId, run, backfill, next, models) => saveRun(db, kpiId, run, backfill, next, models),
  releaseLease: (kpiId, token) => releaseLease(db, kpiId, token),
  setKpiVersion: async (kpiId, version) => void (await db.query('UPDATE kpis SET version = $2 WHERE id = $1', [kpiId, version])),
  summaries: (ids) => runSummaries(db, ids),
  lastRunWithValue: (kpiId) => lastRunWithValue(db, kpiId),
});
