import type { DataSource } from '../datasources/datasource.ts';
import { evaluateKpi, windowEnding, type EvaluateDeps, type Evaluation } from './evaluate.ts';
import { markExecution, withExecutionSpan } from './execution-span.ts';
import { givenUp, runBudgetMs, type Claim } from './lease.ts';
import type { ExecutionStatus } from './outcome.ts';
import type { LeasedOutcome, LeasedRecording } from './record.ts';

/**
 * A scheduled run as one use case: claim (done by the scheduler's store) → evaluate → record under the
 * lease → `recorded | lease_lost | dropped`. The lease and slot rules are in lease.ts; how recordings
 * are grouped into transactions is the `record` dependency's (record.ts#recordLeased behind a group commit).
 */
export type SlotOutcome = 'recorded' | 'lease_lost' | 'dropped';

/** One slot this node runs: what the watchdog and shutdown need to reach it. */
export interface RunningSlot {
  readonly claim: Claim;
  readonly startedAt: Date;
  readonly abort: AbortController;
  /** Set once the run is recorded (or given up), so that a late result of a stuck run is dropped. */
  settled: boolean;
  done: Promise<void>;
}

export interface RunSlotDeps extends EvaluateDeps {
  /** The claim's data source (the scheduler caches them a few seconds); null = deleted. */
  dataSource(id: string): Promise<DataSource | null>;
  /** Records under the lease; throws only when the store is down. */
  record(recording: LeasedRecording): Promise<LeasedOutcome>;
}

/** A run that never got as far as the query: a missing data source, a slot given up, or a stuck query cancelled. */
export function failedEvaluation(deps: Pick<EvaluateDeps, 'ids' | 'clock' | 'nodeId'>, claim: Claim, startedAt: Date, status: ExecutionStatus, error: string): Evaluation {
  return {
    result: {
      runId: deps.ids.next('execution'), kpiId: claim.kpi.id, trigger: 'schedule', slot: claim.slot, window: windowEnding(claim.kpi, claim.slot),
      startedAt, finishedAt: deps.clock.now(), status, error, rowsReturned: 0, series: [], nodeId: deps.nodeId, traceId: null,
    },
    backfill: [],
    models: new Map(),
  };
}

/** Records a settled run under its lease, once: a second recording of the same run (stuck, then late) is dropped. */
export async function recordSlot(deps: Pick<RunSlotDeps, 'record'>, running: RunningSlot, evaluation: Evaluation): Promise<SlotOutcome> {
  if (running.settled) return 'dropped';
  running.settled = true;
  return deps.record({ kpi: running.claim.kpi, evaluation, fence: { leaseToken: running.claim.leaseToken } });
}

/**
 * The run's signal: shutdown and the stuck check (running.abort), and the end of its budget (lease.ts),
 * so that the run is over before another node may take the slot over: a slot never runs twice at once.
 */
function leaseSignal(running: RunningSlot, stopBeforeLeaseEndMs: number): { signal: AbortSignal; stop(): void } {
  const c = new AbortController();
  const timer = setTimeout(() => c.abort('the run reached the end of its lease'), runBudgetMs(running.claim, running.startedAt, stopBeforeLeaseEndMs));
  const forward = () => c.abort(running.abort.signal.reason);
  // Aborted before the query began (the watchdog or shutdown came first): the query never starts.
  if (running.abort.signal.aborted) forward();
  else running.abort.signal.addEventListener('abort', forward, { once: true });
  return { signal: c.signal, stop: () => { clearTimeout(timer); running.abort.signal.removeEventListener('abort', forward); } };
}

async function evaluateSlot(deps: RunSlotDeps, running: RunningSlot, traceId: string | null, stopBeforeLeaseEndMs: number): Promise<Evaluation> {
  const { claim } = running;
  const gaveUp = givenUp(claim);
  if (gaveUp !== null) return failedEvaluation(deps, claim, running.startedAt, 'failed', gaveUp);
  const ds = await deps.dataSource(claim.kpi.dataSourceId);
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
 * Evaluates the claimed slot and records it. The outcome is a value; it throws only when the store
 * is down (the lease then expires and another node runs the slot).
 * `stopBeforeLeaseEndMs`: the run is aborted this long before its lease ends (the kill grace and a margin).
 */
export async function runSlot(deps: RunSlotDeps, running: RunningSlot, stopBeforeLeaseEndMs: number): Promise<SlotOutcome> {
  return withExecutionSpan(deps.tracer, running.claim.kpi.id, 'schedule', async (span) => {
    const evaluation = await evaluateSlot(deps, running, span.traceId ?? null, stopBeforeLeaseEndMs);
    if (running.abort.signal.aborted) { // shutdown or the watchdog owns this run now
      span.set({ 'execution.recorded': 'dropped' });
      return 'dropped';
    }
    const outcome = await recordSlot(deps, running, evaluation);
    markExecution(span, evaluation.result);
    span.set({ 'execution.recorded': outcome });
    return outcome;
  });
}
