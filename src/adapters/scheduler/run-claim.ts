import type { DataSource } from '../../core/datasources/datasource.ts';
import { evaluateKpi, type Evaluation } from '../../core/executions/evaluate.ts';
import type { ExecutionDeps } from '../../core/executions/execute-now.ts';
import type { ExecutionStatus } from '../../core/executions/outcome.ts';
import { markExecution, withExecutionSpan } from '../../core/executions/execution-span.ts';
import { recordExecution } from '../../core/executions/record.ts';
import { isAppError } from '../../core/errors.ts';
import type { Claim } from '../storage/kpi-runs.repo.ts';

/** One execution this node runs: what the watchdog and shutdown need to reach it. */
export interface Running {
  readonly claim: Claim;
  readonly startedAt: Date;
  readonly abort: AbortController;
  /** Set once the run is recorded (or given up), so that a late result of a stuck run is dropped. */
  settled: boolean;
  done: Promise<void>;
}

export type RunOutcome = 'recorded' | 'lease_lost' | 'dropped' | 'error';

/** A run that never got as far as the query: a missing data source, or a stuck query given up. */
export function failedEvaluation(deps: ExecutionDeps, claim: Claim, startedAt: Date, status: ExecutionStatus, error: string): Evaluation {
  const end = claim.slot;
  return {
    result: {
      runId: deps.ids.next('execution'), kpiId: claim.kpi.id, trigger: 'schedule', slot: claim.slot,
      window: { start: new Date(end.getTime() - claim.kpi.lastMinutes * 60_000), end }, startedAt, finishedAt: deps.clock.now(),
      status, error, rowsReturned: 0, series: [], nodeId: deps.nodeId, traceId: null,
    },
    backfill: [],
  };
}

/** Records under the claim's lease; a lease taken over in the meantime is an expected outcome. */
export async function recordUnderLease(deps: ExecutionDeps, running: Running, evaluation: Evaluation): Promise<RunOutcome> {
  if (running.settled) return 'dropped';
  running.settled = true;
  try {
    await recordExecution(deps, running.claim.kpi, evaluation, { leaseToken: running.claim.leaseToken });
    return 'recorded';
  } catch (e) {
    if (isAppError(e) && e.details?.reason === 'lease_lost') return 'lease_lost';
    throw e;
  }
}

/** Evaluates the claimed slot and records it. Never throws: the scheduler counts the outcome. */
export async function runClaim(deps: ExecutionDeps, running: Running, dataSource: (id: string) => Promise<DataSource | null>): Promise<RunOutcome> {
  const { claim } = running;
  return withExecutionSpan(deps.tracer, claim.kpi.id, 'schedule', async (span) => {
    const ds = await dataSource(claim.kpi.dataSourceId);
    const evaluation = ds === null
      ? failedEvaluation(deps, claim, running.startedAt, 'failed', `data source ${claim.kpi.dataSourceId} does not exist`)
      : await evaluateKpi(deps, claim.kpi, ds, { trigger: 'schedule', windowEnd: claim.slot, signal: running.abort.signal, traceId: span.traceId });
    if (running.abort.signal.aborted) { // shutdown or the watchdog owns this run now
      span.set({ 'execution.recorded': 'dropped' });
      return 'dropped';
    }
    const outcome = await recordUnderLease(deps, running, evaluation);
    markExecution(span, evaluation.result);
    span.set({ 'execution.recorded': outcome });
    return outcome;
  });
}
