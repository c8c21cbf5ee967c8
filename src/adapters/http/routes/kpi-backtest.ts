import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { planBacktest, runBacktest, type BacktestDeps, type BacktestPlan } from '../../../core/backtest/kpi-backtest.ts';
import { notFound } from '../../../core/errors.ts';
import type { KpiInput } from '../../../core/kpis/kpi.ts';
import type { BacktestJob, BacktestJobs } from '../../backtest/backtest-jobs.ts';
import { BacktestBody, BacktestJobView, JobParams } from '../schemas/backtest.ts';
import { IdParams, problemResponses } from '../schemas/common.ts';

const tags = ['KPIs'];

export interface BacktestRouteDeps {
  readonly backtest: BacktestDeps;
  readonly jobs: BacktestJobs;
  /** How long a POST waits for its backtest before answering 202 with the job; ms (BACKTEST_WAIT_MS). */
  readonly waitMs: number;
}

export const jobLocation = (job: Pick<BacktestJob, 'id' | 'kpiId'>): string => `/api/v1/kpis/${job.kpiId ?? 'new'}/backtest/${job.id}`;

export const jobView = (job: BacktestJob) => ({
  id: job.id, kpiId: job.kpiId, status: job.status, progress: job.progress, startedAt: job.startedAt, finishedAt: job.finishedAt, error: job.error,
  location: jobLocation(job), ...(job.status === 'done' || job.status === 'cancelled' ? job.report ?? {} : {}),
});

/** Starts a planned backtest as a job and waits up to waitMs for it: the finished job, or the running one. */
export async function startBacktest(d: BacktestRouteDeps, owner: string, plan: BacktestPlan): Promise<BacktestJob> {
  const job = await d.jobs.start(owner, plan.saved?.id ?? null, (signal, onProgress) => runBacktest(d.backtest, plan, { signal, onProgress }));
  await d.jobs.settled(job, d.waitMs);
  return job;
}

/**
 * POST /kpis/{id}/backtest (the saved KPI's rule, or rule fields to try, over its past), and its job:
 * GET polls it, DELETE cancels it. Only the caller who started a job sees it.
 */
export const kpiBacktestRoutes: FastifyPluginAsyncTypebox<{ deps: BacktestRouteDeps }> = async (app, { deps }) => {
  app.post('/kpis/:id/backtest', {
    // Runs the KPI's query on its source for the windows the history lacks, like a manual run.
    config: { access: 'kpi:execute' },
    schema: {
      tags, summary: 'What a rule would have done over the last days: alerts, messages, value and band',
      description: 'Replays the KPI (with the rule fields given) over its execution history, running the query for missing windows; '
        + 'records nothing. Answers 200 with the result when it finishes within a few seconds, else 202 with the job to poll.',
      params: IdParams, body: BacktestBody, response: { 200: BacktestJobView, 202: BacktestJobView, ...problemResponses },
    },
  }, async (request, reply) => {
    const { days, ...rule } = request.body;
    const plan = await planBacktest(deps.backtest, request.params.id, rule as KpiInput, days);
    const job = await startBacktest(deps, request.actor, plan);
    return reply.status(job.status === 'running' ? 202 : 200).header('location', jobLocation(job)).send(jobView(job));
  });

  const found = async (id: string, jobId: string, actor: string): Promise<BacktestJob> => {
    const job = await deps.jobs.get(jobId, actor);
    if (job === null || (job.kpiId ?? 'new') !== id) throw notFound('backtest', jobId);
    return job;
  };

  // A job is seen and cancelled by the credential that started it only, whichever scope let it start
  // one (kpi:execute here, kpi:write through POST /kpis/test): any other caller gets a 404.
  app.get('/kpis/:id/backtest/:jobId', {
    config: { access: 'authenticated' },
    schema: {
      tags, summary: 'A backtest job: status, progress, and when done its alerts and points',
      description: 'A new KPI\'s backtest (POST /kpis/test with days) has the id `new`. Results are kept for an hour.',
      params: JobParams, response: { 200: BacktestJobView, ...problemResponses },
    },
  }, async (request) => jobView(await found(request.params.id, request.params.jobId, request.actor)));

  app.delete('/kpis/:id/backtest/:jobId', {
    config: { access: 'authenticated' },
    schema: { tags, summary: 'Cancel a backtest job (a finished one stays as it is)', params: JobParams, response: { 200: BacktestJobView, ...problemResponses } },
  }, async (request) => {
    const job = await found(request.params.id, request.params.jobId, request.actor);
    await deps.jobs.cancel(job);
    await deps.jobs.settled(job, 5_000);
    // Another node's job: it stops at its next progress; this answer shows it as last recorded.
    return jobView(job);
  });
};
