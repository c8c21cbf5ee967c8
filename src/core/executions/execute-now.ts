import { notFound } from '../errors.ts';
import { evaluateKpi, type EvaluateDeps, type Evaluation } from './evaluate.ts';
import { markExecution, withExecutionSpan } from './execution-span.ts';
import { recordOrFail, type RecordDeps } from './record.ts';

export type ExecutionDeps = EvaluateDeps & RecordDeps;

/**
 * Runs a KPI now (trigger `manual`, window ending now). A dry run evaluates everything (query,
 * backfill, baseline, judgement) and records nothing: no history, no events, no alerts.
 */
export async function executeNow(deps: ExecutionDeps, kpiId: string, opts: { dryRun: boolean; actor: string; traceId?: string | undefined }): Promise<Evaluation> {
  const kpi = await deps.uow.read.kpis.get(kpiId);
  if (kpi === null) throw notFound('KPI', kpiId);
  const ds = await deps.uow.read.dataSources.get(kpi.dataSourceId);
  if (ds === null) throw notFound('data source', kpi.dataSourceId);
  return withExecutionSpan(deps.tracer, kpi.id, 'manual', async (span) => {
    const evaluated = await evaluateKpi(deps, kpi, ds, { trigger: 'manual', windowEnd: deps.clock.now(), traceId: opts.traceId ?? span.traceId });
    // What was recorded is what the caller sees: a run the store refused is answered as its failed record.
    const evaluation = opts.dryRun ? evaluated : { ...evaluated, result: (await recordOrFail(deps, kpi, evaluated, undefined, opts.actor)).result };
    markExecution(span, evaluation.result);
    return evaluation;
  });
}
