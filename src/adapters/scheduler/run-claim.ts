import type { DataSource } from '../../core/datasources/datasource.ts';
import { evaluateKpi, type Evaluation } from '../../core/executions/evaluate.ts';
import type { ExecutionDeps } from '../../core/executions/execute-now.ts';
import type { ExecutionStatus } from '../../core/executions/outcome.ts';
import { markExecution, withExecutionSpan } from '../../core/executions/execution-span.ts';
import { recordOrFail } from '../../core/executions/record.ts';
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

/** A slot whose lease expired this many times without a record (its node died running it) is given up. */
export const MAX_SLOT_ATTEMPTS = 3;

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
    models: new Map(),
  };
}

/**
 * Records under the claim's lease; a lease taken over in the meantime is an expected outcome. A run
 * the store refuses is recorded as failed instead (recordOrFail), so the slot is done either way.
 */
export async function recordUnderLease(deps: ExecutionDeps, running: Running, evaluation: Evaluation): Promise<RunOutcome> {
  if (running.settled) return 'dropped';
  running.settled = true;
  try {
    await recordOrFail(deps, running.claim.kpi, evaluation, { leaseToken: running.claim.leaseToken });
    return 'recorded';
  } catch (e) {
    if (isAppError(e) && e.details?.reason === 'lease_lost') return 'lease_lost';
    throw e;
  }
}

/**
 * The run's signal: shutdown and the stuck check (running.abort), and the end of the lease less the
 * kill grace, so that the run is over (a query is killed at most killGraceMs after its abort) before
 * another node may take the slot over: a slot never runs twice at the same time.
 */
function leaseSignal(running: Running, stopBeforeLeaseEndMs: number): { signal: AbortSignal; stop(): void } {
  const c = new AbortController();
  // From the launch's time (the clock may be read later than the run began: a test's clock jumps).
  const budgetMs = running.claim.leaseUntil.getTime() - running.startedAt.getTime() - stopBeforeLeaseEndMs;
  const timer = setTimeout(() => c.abort('the run reached the end of its lease'), Math.max(0, budgetMs));
  const forward = () => c.abort(running.abort.signal.reason);
  running.abort.signal.addEventListener('abort', forward, { once: true });
  return { signal: c.signal, stop: () => { clearTimeout(timer); running.abort.signal.removeEventListener('abort', forward); } };
}

async function evaluateClaim(deps: ExecutionDeps, running: Running, ds: DataSource | null, traceId: string | null, stopBeforeLeaseEndMs: number): Promise<Evaluation> {
  const { claim } = running;
  if (claim.attempt > MAX_SLOT_ATTEMPTS) {
    return failedEvaluation(deps, claim, running.startedAt, 'failed', `given up: the slot was started ${claim.attempt - 1} times and never recorded (its node stopped while running it)`);
  }
  if (ds === null) return failedEvaluation(deps, claim, running.startedAt, 'failed', `data source ${claim.kpi.dataSourceId} does not exist`);
  const lease = leaseSignal(running, stopBeforeLeaseEndMs);
  try {
    return await evaluateKpi(deps, claim.kpi, ds, { trigger: 'schedule', windowEnd: claim.slot, signal: lease.signal, traceId });
  } catch (e) {
    return failedEvaluation(deps, claim, running.startedAt, 'failed', `the run failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    lease.stop();
  }
}

/**
 * Evaluates the claimed slot and records it. Never throws: the scheduler counts the outcome.
 * `stopBeforeLeaseEndMs`: the run is aborted this long before its lease ends (the kill grace and a margin).
 */
export async function runClaim(deps: ExecutionDeps, running: Running, dataSource: (id: string) => Promise<DataSource | null>, stopBeforeLeaseEndMs = 6_000): Promise<RunOutcome> {
  const { claim } = running;
  return withExecutionSpan(deps.tracer, claim.kpi.id, 'schedule', async (span) => {
    const ds = await dataSource(claim.kpi.dataSourceId);
    const evaluation = await evaluateClaim(deps, running, ds, span.traceId ?? null, stopBeforeLeaseEndMs);
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
