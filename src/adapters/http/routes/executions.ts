import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invalid, notFound } from '../../../core/errors.ts';
import { executeNow, type ExecutionDeps } from '../../../core/executions/execute-now.ts';
import type { Evaluation } from '../../../core/executions/evaluate.ts';
import { durationMs } from '../../../core/executions/outcome.ts';
import type { Db } from '../../storage/db.ts';
import { executionStatistics, listExecutions } from '../../storage/execution-history.repo.ts';
import { IdParams, pageOf, problemResponses } from '../schemas/common.ts';
import { EvaluationView, ExecuteQuery, ExecutionListQuery, ExecutionRecordView, SourceTestView, StatisticsQuery, StatisticsView } from '../schemas/execution.ts';

const tags = ['Executions'];

export const evaluationView = (e: Evaluation, dryRun: boolean) => ({
  runId: e.result.runId, kpiId: e.result.kpiId, dryRun, trigger: e.result.trigger,
  windowStart: e.result.window.start, windowEnd: e.result.window.end, startedAt: e.result.startedAt, finishedAt: e.result.finishedAt,
  durationMs: durationMs(e.result), status: e.result.status, error: e.result.error, rowsReturned: e.result.rowsReturned,
  series: e.result.series.map((s) => ({ ...s, outcome: { ...s.outcome, reasons: s.outcome.kind === 'breach' ? [...s.outcome.reasons] : undefined } })),
  backfilled: e.backfill.length,
});

function range(from: string | undefined, to: string | undefined, now: Date, defaultHours: number): { from: Date; to: Date } {
  const end = to === undefined ? now : new Date(to);
  const start = from === undefined ? new Date(end.getTime() - defaultHours * 3_600_000) : new Date(from);
  if (start.getTime() > end.getTime()) throw invalid([{ path: 'querystring:/from', message: 'must not be after to' }]);
  return { from: start, to: end };
}

/** Run now, the history, statistics, and the data-source connection test. */
export const executionRoutes: FastifyPluginAsyncTypebox<{ deps: ExecutionDeps; db: Db }> = async (app, { deps, db }) => {
  app.post('/kpis/:id/execute', {
    config: { access: 'kpi:execute' },
    schema: {
      tags, summary: 'Run a KPI now', description: 'With dryRun=true: evaluates (value, baseline, deviation, outcome) and records nothing.',
      params: IdParams, querystring: ExecuteQuery, response: { 200: EvaluationView, ...problemResponses },
    },
  }, async (request) => {
    const dryRun = request.query.dryRun ?? false;
    const evaluation = await executeNow(deps, request.params.id, { dryRun, actor: request.actor });
    return evaluationView(evaluation, dryRun);
  });

  app.get('/kpis/:id/executions', {
    config: { access: 'kpi:read' },
    schema: {
      tags, summary: "A KPI's execution history, newest first", description: 'One row per run and series; a run without series (a failure) has one row.',
      params: IdParams, querystring: ExecutionListQuery, response: { 200: pageOf(ExecutionRecordView), ...problemResponses },
    },
  }, async (request) => {
    const { from, to, key, trigger, cursor, limit } = request.query;
    if ((await deps.uow.read.kpis.get(request.params.id)) === null) throw notFound('KPI', request.params.id);
    return listExecutions(db, request.params.id, {
      from: from === undefined ? undefined : new Date(from), to: to === undefined ? undefined : new Date(to), key, trigger, cursor, limit: limit ?? 50,
    });
  });

  app.get('/executions/statistics', {
    config: { access: 'kpi:read' },
    schema: { tags, summary: 'Per KPI: runs, success rate, p50/p95 duration, last error', querystring: StatisticsQuery, response: { 200: StatisticsView, ...problemResponses } },
  }, async (request) => {
    const r = range(request.query.from, request.query.to, deps.clock.now(), 24);
    return { ...r, items: await executionStatistics(db, r.from, r.to) };
  });

  app.post('/datasources/:id/test', {
    config: { access: 'datasources:write' },
    schema: { tags: ['Data sources'], summary: 'Connect, run a trivial query, report latency and server version', params: IdParams, response: { 200: SourceTestView, ...problemResponses } },
  }, async (request) => {
    const ds = await deps.uow.read.dataSources.get(request.params.id);
    if (ds === null) throw notFound('data source', request.params.id);
    const r = await deps.sources.test(ds);
    return r.ok ? { ...r, warnings: [...r.warnings] } : r;
  });
};
