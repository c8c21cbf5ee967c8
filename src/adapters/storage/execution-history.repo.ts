import { invalid } from '../../core/errors.ts';
import type { BreachReason, ExecutionStatus, ExecutionTrigger, NoJudgementReason, OutcomeKind } from '../../core/executions/outcome.ts';
import type { Basis } from '../../core/detection/judge-point.ts';
import type { Range } from '../../core/detection/rule.ts';
import type { Page } from '../../core/ports.ts';
import type { Queryable } from './db.ts';
import { keyFromColumn } from './executions.repo.ts';
import { Where } from './paging.ts';

/** One history row as the API shows it. */
export interface ExecutionRecord {
  readonly id: string;
  readonly runId: string;
  readonly kpiId: string;
  readonly key: string | null;
  readonly trigger: ExecutionTrigger;
  readonly slot: Date;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly status: ExecutionStatus;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly baselineSource: string | null;
  readonly baselineWindows: number;
  readonly deviationPercent: number | null;
  readonly outcome: OutcomeKind | null;
  readonly reasons: BreachReason[] | null;
  readonly noJudgementReason: NoJudgementReason | null;
  /** What the rules accepted (null when nothing judged); what the judgement stood on; kept out of later baselines. */
  readonly band: Range | null;
  readonly basis: Basis | null;
  readonly anomalous: boolean;
  readonly error: string | null;
  readonly rowsReturned: number;
  readonly nodeId: string;
  readonly traceId: string | null;
}

interface Row {
  id: number; run_id: string; kpi_id: string; series_key: string; trigger: ExecutionTrigger; slot_at: Date; window_start: Date; window_end: Date;
  started_at: Date; finished_at: Date; duration_ms: number; status: ExecutionStatus; value: number | null; baseline: number | null;
  baseline_source: string | null; baseline_windows: number; deviation_percent: number | null; outcome: OutcomeKind | null;
  reasons: BreachReason[] | null; no_judgement_reason: NoJudgementReason | null; band_low: number | null; band_high: number | null;
  basis: Basis | null; anomalous: boolean; error: string | null; rows_returned: number; node_id: string; trace_id: string | null;
}

const toRecord = (r: Row): ExecutionRecord => ({
  id: String(r.id), runId: r.run_id, kpiId: r.kpi_id, key: keyFromColumn(r.series_key), trigger: r.trigger, slot: new Date(r.slot_at),
  windowStart: new Date(r.window_start), windowEnd: new Date(r.window_end), startedAt: new Date(r.started_at), finishedAt: new Date(r.finished_at),
  durationMs: r.duration_ms, status: r.status, value: r.value, baseline: r.baseline, baselineSource: r.baseline_source,
  baselineWindows: r.baseline_windows, deviationPercent: r.deviation_percent, outcome: r.outcome, reasons: r.reasons,
  noJudgementReason: r.no_judgement_reason, band: r.outcome === null || r.outcome === 'no_judgement' ? null : { low: r.band_low, high: r.band_high },
  basis: r.basis, anomalous: r.anomalous, error: r.error, rowsReturned: r.rows_returned, nodeId: r.node_id, traceId: r.trace_id,
});

export interface HistoryFilter {
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly key?: string | undefined;
  readonly trigger?: ExecutionTrigger | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/** History cursors are the base64url of the last row id; rows come newest first. */
function decodeHistoryCursor(cursor: string | undefined): number | null {
  if (cursor === undefined || cursor === '') return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^h[0-9]{1,18}$/.test(id)) throw invalid([{ path: 'querystring:/cursor', message: 'is not a cursor this API gave out' }]);
  return Number(id.slice(1));
}

export async function listExecutions(db: Queryable, kpiId: string, f: HistoryFilter): Promise<Page<ExecutionRecord>> {
  const where = new Where().add((p) => `kpi_id = ${p}`, kpiId);
  if (f.from !== undefined) where.add((p) => `started_at >= ${p}`, f.from);
  if (f.to !== undefined) where.add((p) => `started_at < ${p}`, f.to);
  if (f.key !== undefined) where.add((p) => `series_key = ${p}`, f.key);
  if (f.trigger !== undefined) where.add((p) => `trigger = ${p}`, f.trigger);
  const before = decodeHistoryCursor(f.cursor);
  if (before !== null) where.add((p) => `id < ${p}`, before);
  const limit = where.param(f.limit + 1);
  const { rows } = await db.query<Row>(`SELECT * FROM executions ${where.sql} ORDER BY id DESC LIMIT ${limit}`, where.params);
  const items = rows.slice(0, f.limit).map(toRecord);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > f.limit && last ? Buffer.from(`h${last.id}`).toString('base64url') : null };
}

export interface KpiStatistics {
  readonly kpiId: string;
  readonly runs: number;
  /** Share of runs with status success, in percent. */
  readonly successRate: number;
  readonly p50DurationMs: number;
  readonly p95DurationMs: number;
  readonly lastRunAt: Date;
  readonly lastError: string | null;
}

/** Per KPI over a time range: runs (not series rows; backfill excluded), success rate, duration percentiles, last error. */
export async function executionStatistics(db: Queryable, from: Date, to: Date): Promise<KpiStatistics[]> {
  const { rows } = await db.query<{ kpi_id: string; runs: number; success_rate: number; p50: number; p95: number; last_run_at: Date; last_error: string | null }>(
    `WITH runs AS (
       SELECT kpi_id, run_id, min(status) AS status, max(duration_ms) AS duration_ms, max(started_at) AS started_at, max(error) AS error
         FROM executions WHERE trigger <> 'backfill' AND started_at >= $1 AND started_at <= $2
        GROUP BY kpi_id, run_id)
     SELECT kpi_id, count(*)::int AS runs, avg(CASE WHEN status = 'success' THEN 100.0 ELSE 0 END)::float8 AS success_rate,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95,
            max(started_at) AS last_run_at,
            (array_agg(error ORDER BY started_at DESC) FILTER (WHERE error IS NOT NULL))[1] AS last_error
       FROM runs GROUP BY kpi_id ORDER BY kpi_id`,
    [from, to],
  );
  return rows.map((r) => ({
    kpiId: r.kpi_id, runs: r.runs, successRate: r.success_rate, p50DurationMs: r.p50, p95DurationMs: r.p95,
    lastRunAt: new Date(r.last_run_at), lastError: r.last_error,
  }));
}

/** Retention: deletes rows that started before `cutoff`, in batches so no transaction grows large. Returns the count. */
export async function deleteExecutionsBefore(db: Queryable, cutoff: Date, batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      'DELETE FROM executions WHERE id IN (SELECT id FROM executions WHERE started_at < $1 ORDER BY started_at LIMIT $2)', [cutoff, batch],
    );
    total += rowCount;
    if (rowCount < batch) return total;
  }
}
