import type { RecordedWindow, RecordedWindows } from '../../core/backtest/backtest-source.ts';
import type { RecordedHistory } from '../../core/backtest/kpi-backtest.ts';
import type { ExecutionStatus } from '../../core/executions/outcome.ts';
import type { Queryable } from './db.ts';

/**
 * What each past window of a KPI recorded (any trigger), by the end of its window, in [from, to]: the
 * successful runs only (a window whose run failed is run again on the source, as if never recorded).
 * When a window was recorded by several runs, the latest run's answer counts.
 */
export async function recordedWindows(db: Queryable, kpiId: string, from: Date, to: Date): Promise<RecordedWindows> {
  const { rows } = await db.query<{ window_end: Date; run_id: string; series_key: string; status: ExecutionStatus; value: number | null; error: string | null; trigger: string }>(
    `SELECT window_end, run_id, series_key, status, value, error, trigger FROM executions
      WHERE kpi_id = $1 AND status = 'success' AND window_end >= $2 AND window_end <= $3 ORDER BY id`,
    [kpiId, from, to],
  );
  const out = new Map<number, RecordedWindow & { runId: string; values: { key: string; value: number | null }[] }>();
  for (const r of rows) {
    const end = new Date(r.window_end).getTime();
    let w = out.get(end);
    if (w === undefined || w.runId !== r.run_id) {
      w = { runId: r.run_id, status: r.status, error: r.error, backfill: r.trigger === 'backfill', values: [] };
      out.set(end, w);
    }
    w.values.push({ key: r.series_key, value: r.value === null ? null : Number(r.value) });
  }
  return out;
}

export const recordedHistory = (db: Queryable): RecordedHistory => ({ recordedWindows: (kpiId, from, to) => recordedWindows(db, kpiId, from, to) });
