import { AppError, isAppError } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { UnitOfWork } from '../ports.ts';
import type { Evaluation } from './evaluate.ts';
import type { ExecutionCommittedListener, ExecutionRecorded, ExecutionRecordedListener } from './ports.ts';
import { decideRunEvents } from './transitions.ts';

export interface RecordDeps {
  readonly uow: UnitOfWork;
  readonly listeners: readonly ExecutionRecordedListener[];
  /** Told of each run once its transaction has committed (metrics, the live feed); never of a rolled-back one. */
  readonly committed?: readonly ExecutionCommittedListener[] | undefined;
}

/** A scheduled run's lease: recording succeeds only while the run still holds it. */
export interface LeaseFence {
  readonly leaseToken: string;
}

export const LEASE_LOST = 'lease_lost';

/**
 * Records a run in ONE transaction: the history rows (backfill and one per series), the run state, the
 * significant KPI-stream events, and whatever the listeners add (alerts, outbox rows). With a fence the
 * lease is released in the same transaction; when another node took the lease over (this node was
 * presumed dead) nothing is recorded and a `conflict` AppError with details.reason = lease_lost is thrown.
 */
export async function recordExecution(deps: RecordDeps, kpi: Kpi, evaluation: Evaluation, fence?: LeaseFence, actor = 'scheduler'): Promise<ExecutionRecorded> {
  const { result, backfill, models } = evaluation;
  const recorded = await deps.uow.run(async (tx) => {
    const state = fence === undefined ? await tx.executions.lockRunState(kpi.id) : await tx.executions.releaseLease(kpi.id, fence.leaseToken);
    if (state === null) {
      throw new AppError('conflict', `the lease of KPI ${kpi.id} was taken over; run ${result.runId} is not recorded`, { reason: LEASE_LOST });
    }
    const { events, next } = decideRunEvents(state, result);
    await tx.executions.saveRun(kpi.id, result, backfill, next, models);
    if (events.length > 0) {
      const meta = { actor, correlationId: result.runId, traceId: result.traceId ?? undefined };
      const version = await tx.events.append(streamIds.kpi(kpi.id), 'any', events, meta);
      await tx.executions.setKpiVersion(kpi.id, version);
    }
    const recorded: ExecutionRecorded = { kpi, result, backfill, events, trigger: result.trigger, actor };
    for (const listener of deps.listeners) await listener(tx, recorded);
    return recorded;
  });
  for (const listener of deps.committed ?? []) listener(recorded);
  return recorded;
}

/** Why a run could not be recorded, as its failed execution says it (the store's message, bounded). */
const unrecordable = (evaluation: Evaluation, e: unknown): Evaluation => ({
  result: {
    ...evaluation.result, status: 'failed', series: [],
    error: `the run could not be recorded: ${(e instanceof Error ? e.message : String(e)).slice(0, 1000)}`,
  },
  backfill: [],
  models: new Map(),
});

/**
 * Records a run; when that fails for any reason but a lost lease (a key the store refuses, too much
 * for one transaction, an alerting error ...), records the same run as failed, without its series, so
 * that it counts toward "KPI failing" and its slot is done. Throws only when that fails too (the store
 * is down) or the lease is lost. Returns what was recorded.
 */
export async function recordOrFail(deps: RecordDeps, kpi: Kpi, evaluation: Evaluation, fence?: LeaseFence, actor = 'scheduler'): Promise<ExecutionRecorded> {
  try {
    return await recordExecution(deps, kpi, evaluation, fence, actor);
  } catch (e) {
    if (isAppError(e) && e.details?.reason === LEASE_LOST) throw e;
    return recordExecution(deps, kpi, unrecordable(evaluation, e), fence, actor);
  }
}
