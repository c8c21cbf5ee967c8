import type { BacktestReport } from '../../core/backtest/kpi-backtest.ts';
import { AppError } from '../../core/errors.ts';
import type { Clock, IdGenerator } from '../../core/ports.ts';

export type BacktestStatus = 'running' | 'done' | 'failed' | 'cancelled';

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
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Backtests running at a time on this node; one more is refused (429). Default 2. */
  readonly maxRunning?: number;
  /** A finished job's result is kept this long, ms; default an hour. */
  readonly keepMs?: number;
  /** Progress and the end of every job (the live feed's `backtest` messages). */
  readonly announce?: (job: BacktestJob) => void;
  /** An unexpected failure of a job (logged once; the job says only that it failed). */
  readonly onError?: (err: unknown, job: BacktestJob) => void;
}

export type BacktestWork = (signal: AbortSignal, progress: (done: number, total: number) => void) => Promise<BacktestReport>;

/** Finished jobs kept at most, however recent: results are large. */
const MAX_KEPT = 100;

/**
 * The backtests of this node, in memory: each runs in the background with a cancel signal, reports its
 * progress, and keeps its result for an hour. A job is known to the node that runs it only.
 */
export function createBacktestJobs(o: BacktestJobsOptions) {
  const jobs = new Map<string, BacktestJob>();
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const keepMs = o.keepMs ?? 3_600_000;
  const maxRunning = o.maxRunning ?? 2;

  const purge = () => {
    const now = o.clock.now().getTime();
    const finished = [...jobs.values()].filter((j) => j.finishedAt !== null);
    for (const j of finished) if (now - j.finishedAt!.getTime() >= keepMs) jobs.delete(j.id);
    const left = finished.filter((j) => jobs.has(j.id));
    for (const j of left.slice(0, Math.max(0, left.length - MAX_KEPT))) jobs.delete(j.id);
  };

  const finish = (job: BacktestJob, status: BacktestStatus) => {
    job.status = status;
    job.finishedAt = o.clock.now();
    running.delete(job.id);
    o.announce?.(job);
  };

  return {
    /** Starts a job; refuses (rate_limited) when this node runs its maximum already. */
    start(owner: string, kpiId: string | null, work: BacktestWork): BacktestJob {
      purge();
      if (running.size >= maxRunning) {
        throw new AppError('rate_limited', `${running.size} backtests are running on this node, the most it runs at a time; try again when one has finished`, { running: running.size });
      }
      const job: BacktestJob = { id: o.ids.next('backtest'), kpiId, owner, status: 'running', progress: { done: 0, total: 0 }, startedAt: o.clock.now(), finishedAt: null, report: null, error: null };
      const controller = new AbortController();
      let lastStep = -1;
      const progress = (done: number, total: number) => {
        job.progress = { done, total };
        const step = total === 0 ? 0 : Math.floor((done * 20) / total);
        if (step !== lastStep) {
          lastStep = step;
          o.announce?.(job);
        }
      };
      jobs.set(job.id, job);
      const done = work(controller.signal, progress).then(
        (report) => {
          job.report = report;
          finish(job, report.cancelled ? 'cancelled' : 'done');
        },
        (err: unknown) => {
          job.error = err instanceof AppError && err.code !== 'internal' ? err.message : 'the backtest failed (see the service log)';
          if (!(err instanceof AppError) || err.code === 'internal') o.onError?.(err, job);
          finish(job, controller.signal.aborted ? 'cancelled' : 'failed');
        },
      );
      running.set(job.id, { controller, done });
      return job;
    },

    /** The job, if `owner` started it and it is still kept. */
    get(id: string, owner: string): BacktestJob | null {
      purge();
      const job = jobs.get(id);
      return job !== undefined && job.owner === owner ? job : null;
    },

    /** Asks a running job to stop; it ends `cancelled` with what it had replayed so far. */
    cancel(job: BacktestJob): void {
      running.get(job.id)?.controller.abort();
    },

    /** Resolves when the job has finished, or after `ms`, whichever comes first. */
    async settled(job: BacktestJob, ms: number): Promise<void> {
      const r = running.get(job.id);
      if (r === undefined) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([r.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
      clearTimeout(timer);
    },

    /** Cancels every running job and waits for them (graceful shutdown). */
    async close(): Promise<void> {
      const all = [...running.values()];
      for (const r of all) r.controller.abort();
      await Promise.all(all.map((r) => r.done));
    },
  };
}

export type BacktestJobs = ReturnType<typeof createBacktestJobs>;
