import type { BacktestReport } from '../../core/backtest/kpi-backtest.ts';
import type { Queryable } from './db.ts';

export type BacktestStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** A backtest job as the store keeps it (see migration 0940); dates of the report are ISO strings. */
export interface StoredBacktestJob {
  readonly id: string;
  readonly kpiId: string | null;
  readonly owner: string;
  readonly nodeId: string;
  readonly status: BacktestStatus;
  readonly progress: { done: number; total: number };
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly error: string | null;
  readonly report: BacktestReport | null;
}

interface Row {
  id: string; kpi_id: string | null; owner: string; node_id: string; status: BacktestStatus; progress_done: number; progress_total: number;
  started_at: Date; finished_at: Date | null; error: string | null; report: BacktestReport | null;
}

const toJob = (r: Row): StoredBacktestJob => ({
  id: r.id, kpiId: r.kpi_id, owner: r.owner, nodeId: r.node_id, status: r.status, progress: { done: r.progress_done, total: r.progress_total },
  startedAt: new Date(r.started_at), finishedAt: r.finished_at === null ? null : new Date(r.finished_at), error: r.error,
  report: typeof r.report === 'string' ? (JSON.parse(r.report) as BacktestReport) : r.report,
});

export async function insertBacktestJob(db: Queryable, j: Pick<StoredBacktestJob, 'id' | 'kpiId' | 'owner' | 'nodeId' | 'startedAt'>): Promise<void> {
  await db.query(`INSERT INTO backtest_jobs (id, kpi_id, owner, node_id, status, started_at) VALUES ($1, $2, $3, $4, 'running', $5)`,
    [j.id, j.kpiId, j.owner, j.nodeId, j.startedAt]);
}

/** Records the progress; answers whether a cancel was asked for (from any node). */
export async function saveBacktestProgress(db: Queryable, id: string, done: number, total: number): Promise<boolean> {
  const { rows } = await db.query<{ cancel_requested: boolean }>(
    `UPDATE backtest_jobs SET progress_done = $2, progress_total = $3 WHERE id = $1 RETURNING cancel_requested`, [id, done, total]);
  return rows[0]?.cancel_requested ?? false;
}

export async function finishBacktestJob(db: Queryable, j: Pick<StoredBacktestJob, 'id' | 'status' | 'progress' | 'error' | 'report'> & { finishedAt: Date; expiresAt: Date }): Promise<void> {
  await db.query(
    `UPDATE backtest_jobs SET status = $2, progress_done = $3, progress_total = $4, error = $5, report = $6::jsonb, finished_at = $7, expires_at = $8 WHERE id = $1`,
    [j.id, j.status, j.progress.done, j.progress.total, j.error, j.report === null ? null : JSON.stringify(j.report), j.finishedAt, j.expiresAt]);
}

/** The job if it is still kept (not expired at `now`). */
export async function getBacktestJob(db: Queryable, id: string, now: Date): Promise<StoredBacktestJob | null> {
  const { rows } = await db.query<Row>(
    `SELECT id, kpi_id, owner, node_id, status, progress_done, progress_total, started_at, finished_at, error, report
       FROM backtest_jobs WHERE id = $1 AND (expires_at IS NULL OR expires_at > $2)`, [id, now]);
  return rows[0] === undefined ? null : toJob(rows[0]);
}

/** Asks the running job to stop (its node sees it at its next progress). */
export async function requestBacktestCancel(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE backtest_jobs SET cancel_requested = true WHERE id = $1 AND status = 'running'`, [id]);
}

/** Deletes the jobs whose results have expired, and running jobs whose node stopped long ago. */
export async function purgeBacktestJobs(db: Queryable, now: Date, staleBefore: Date): Promise<void> {
  await db.query(`DELETE FROM backtest_jobs WHERE expires_at <= $1 OR (status = 'running' AND started_at < $2)`, [now, staleBefore]);
}
