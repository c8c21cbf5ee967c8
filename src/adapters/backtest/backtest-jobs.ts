import type { BacktestReport } from '../../core/backtest/kpi-backtest.ts';
import { AppError } from '../../core/errors.ts';
import type { Clock, IdGenerator } from '../../core/ports.ts';
import {
  finishBacktestJob, getBacktestJob, insertBacktestJob, purgeBacktestJobs, requestBacktestCancel, saveBacktestProgress, type BacktestStatus,
} from '../storage/backtest-jobs.repo.ts';
import type { Queryable } from '../storage/db.ts';

export type { BacktestStatus };

export interface BacktestJob {
  readonly id: string;
  /** The saved KPI it backtests; null for a new KPI's draft. */
  readonly kpiId: string | null;
  /** Who started it: only they may read or cancel it. */
  readonly owner: string;
  status: BacktestStatus;
  progress: { done: number; total: number };
  readonly startedAt: Date;
  finishedAt: Date | null;
  report: BacktestReport | null;
  error: string | null;
}

export interface BacktestJobsOptions {
  readonly db: Queryable;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly nodeId: string;
  /** Backtests running at a time on this node; one more is refused (429). Default 2. */
  readonly maxRunning?: number;
  /** A finished job's result is kept this long, ms; default an hour. */
  readonly keepMs?: number;
  /** A job still `running` this long after it started has lost its node (it stopped), ms; default 6 minutes. */
  readonly staleAfterMs?: number;
  /** Progress and the end of every job (the live feed's `backtest` messages). */
  readonly announce?: (job: BacktestJob) => void;
  /** An unexpected failure of a job, or of recording it (logged once; the job says only that it failed). */
  readonly onError?: (err: unknown, job: BacktestJob) => void;
}

export type BacktestWork = (signal: AbortSignal, progress: (done: number, total: number) => void) => Promise<BacktestReport>;

/** Progress is recorded (and a cancel from another node seen) at least every this many reports. */
const RECORD_EVERY = 10;

/**
 * The backtests of the service: each runs in the background on the node that started it, with a cancel
 * signal; its status, progress and result are in the store (backtest_jobs), so that any node answers for
 * it and a cancel asked on any node reaches it. Results are kept for an hour.
 */
export function createBacktestJobs(o: BacktestJobsOptions) {
  const running = new Map<string, { job: BacktestJob; controller: AbortController; done: Promise<void> }>();
  const keepMs = o.keepMs ?? 3_600_000;
  const staleAfterMs = o.staleAfterMs ?? 360_000;
  const maxRunning = o.maxRunning ?? 2;

  const record = (job: BacktestJob, work: Promise<unknown>) => work.catch((err: unknown) => o.onError?.(err, job));

  const finish = async (job: BacktestJob, status: BacktestStatus) => {
    job.status = status;
    job.finishedAt = o.clock.now();
    await record(job, finishBacktestJob(o.db, { ...job, expiresAt: new Date(job.finishedAt.getTime() + keepMs), finishedAt: job.finishedAt }));
    running.delete(job.id);
    o.announce?.(job);
  };

  return {
    /** Starts a job; refuses (rate_limited) when this node runs its maximum already. */
    async start(owner: string, kpiId: string | null, work: BacktestWork): Promise<BacktestJob> {
      if (running.size >= maxRunning) {
        throw new AppError('rate_limited', `${running.size} backtests are running on this node, the most it runs at a time; try again when one has finished`, { running: running.size });
      }
      const now = o.clock.now();
      await purgeBacktestJobs(o.db, now, new Date(now.getTime() - staleAfterMs - keepMs));
      const job: BacktestJob = { id: o.ids.next('backtest'), kpiId, owner, status: 'running', progress: { done: 0, total: 0 }, startedAt: now, finishedAt: null, report: null, error: null };
      await insertBacktestJob(o.db, { ...job, nodeId: o.nodeId });
      const controller = new AbortController();
      let lastStep = -1;
      let reports = 0;
      const progress = (done: number, total: number) => {
        job.progress = { done, total };
        const step = total === 0 ? 0 : Math.floor((done * 20) / total);
        if (step !== lastStep) o.announce?.(job);
        if (step !== lastStep || ++reports % RECORD_EVERY === 0) {
          void record(job, saveBacktestProgress(o.db, job.id, done, total).then((cancel) => { if (cancel) controller.abort(); }));
        }
        lastStep = step;
      };
      const done = work(controller.signal, progress).then(
        async (report) => {
          job.report = report;
          await finish(job, report.cancelled ? 'cancelled' : 'done');
        },
        async (err: unknown) => {
          job.error = err instanceof AppError && err.code !== 'internal' ? err.message : 'the backtest failed (see the service log)';
          if (!(err instanceof AppError) || err.code === 'internal') o.onError?.(err, job);
          await finish(job, controller.signal.aborted ? 'cancelled' : 'failed');
        },
      );
      running.set(job.id, { job, controller, done });
      return job;
    },

    /** The job, if `owner` started it and it is still kept: this node's as it runs, another node's as last recorded. */
    async get(id: string, owner: string): Promise<BacktestJob | null> {
      const local = running.get(id)?.job;
      if (local !== undefined) return local.owner === owner ? local : null;
      const now = o.clock.now();
      const stored = await getBacktestJob(o.db, id, now);
      if (stored === null || stored.owner !== owner) return null;
      const job: BacktestJob = { ...stored };
      if (job.status === 'running' && now.getTime() - job.startedAt.getTime() > staleAfterMs) {
        return { ...job, status: 'failed', error: 'the node that ran it stopped before it finished' };
      }
      return job;
    },

    /** Asks a running job to stop; it ends `cancelled` with what it had replayed so far. */
    async cancel(job: BacktestJob): Promise<void> {
      const local = running.get(job.id);
      if (local !== undefined) local.controller.abort();
      else if (job.status === 'running') await requestBacktestCancel(o.db, job.id);
    },

    /** Resolves when this node's job has finished, or after `ms`, whichever comes first. */
    async settled(job: BacktestJob, ms: number): Promise<void> {
      const r = running.get(job.id);
      if (r === undefined) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([r.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
      clearTimeout(timer);
    },

    /** Cancels every running job of this node and waits for them (graceful shutdown). */
    async close(): Promise<void> {
      const all = [...running.values()];
      for (const r of all) r.controller.abort();
      await Promise.all(all.map((r) => r.done));
    },
  };
}

export type BacktestJobs = ReturnType<typeof createBacktestJobs>;
