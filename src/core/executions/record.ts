import { AppError, isAppError } from '../errors.ts';
import { streamIds } from '../events.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { TxPorts, UnitOfWork } from '../ports.ts';
import type { Evaluation } from './evaluate.ts';
import type { ExecutionCommittedListener, ExecutionRecorded, ExecutionRecordedListener } from './ports.ts';
import { decideRunEvents, type RunState } from './transitions.ts';

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
    const state: RunState | null = fence === undefined ? await tx.executions.lockRunState(kpi.id) : await tx.executions.releaseLease(kpi.id, fence.leaseToken);
    if (state === null) {
      throw new AppError('conflict', `the lease of KPI ${kpi.id} was taken over; run ${result.runId} is not recorded`, { reason: LEASE_LOST });
    }
    const { events, next } = decideRunEvents(state, result);
    await tx.executions.saveRun(kpi.id, result, backfill, next, models);
    return afterSave(deps, tx, { kpi, result, backfill, events, previous: state, trigger: result.trigger, actor });
  });
  for (const listener of deps.committed ?? []) listener(recorded);
  return recorded;
}

/** After the history rows: the run's events (when it has any) and the listeners, in the same transaction. */
async function afterSave(deps: RecordDeps, tx: TxPorts, recorded: ExecutionRecorded): Promise<ExecutionRecorded> {
  const { kpi, result, events } = recorded;
  if (events.length > 0) {
    const meta = { actor: recorded.actor, correlationId: result.runId, traceId: result.traceId ?? undefined };
    const version = await tx.events.append(streamIds.kpi(kpi.id), 'any', events, meta);
    await tx.executions.setKpiVersion(kpi.id, version);
  }
  for (const listener of deps.listeners) await listener(tx, recorded);
  return recorded;
}

/** A scheduled run to record under its lease. */
export interface LeasedRecording {
  readonly kpi: Kpi;
  readonly evaluation: Evaluation;
  readonly fence: LeaseFence;
}

export type LeasedOutcome = 'recorded' | typeof LEASE_LOST;

/**
 * Records many scheduled runs (of different KPIs) in ONE transaction, as recordExecution would each:
 * the leases released in one statement, the history rows and run states in one more, then each run's
 * events and listeners. A run whose lease was taken over is not recorded (`lease_lost`), the others
 * are. When the transaction fails, each run is recorded on its own (recordOrFail), so that one bad run
 * costs the others nothing. Throws only when the store is down. Outcomes in the order of `items`.
 */
export async function recordLeased(deps: RecordDeps, items: readonly LeasedRecording[], actor = 'scheduler'): Promise<LeasedOutcome[]> {
  if (new Set(items.map((i) => i.kpi.id)).size !== items.length) throw new Error('recordLeased takes one run per KPI');
  let recorded: (ExecutionRecorded | null)[];
  try {
    recorded = await deps.uow.run(async (tx) => {
      const states = await tx.executions.releaseLeases(items.map((i) => ({ kpiId: i.kpi.id, leaseToken: i.fence.leaseToken })));
      const decided = items.map((i) => {
        const state: RunState | undefined = states.get(i.kpi.id);
        return state === undefined ? null : { i, state, ...decideRunEvents(state, i.evaluation.result) };
      });
      const held = decided.filter((d) => d !== null);
      await tx.executions.saveRuns(held.map(({ i, next }) => ({ kpiId: i.kpi.id, run: i.evaluation.result, backfill: i.evaluation.backfill, next, models: i.evaluation.models })));
      const out: (ExecutionRecorded | null)[] = [];
      for (const d of decided) {
        out.push(d === null ? null : await afterSave(deps, tx, {
          kpi: d.i.kpi, result: d.i.evaluation.result, backfill: d.i.evaluation.backfill, events: d.events, previous: d.state, trigger: d.i.evaluation.result.trigger, actor,
        }));
      }
      return out;
    });
  } catch {
    return one(deps, items, actor);
  }
  for (const r of recorded) if (r !== null) for (const listener of deps.committed ?? []) listener(r);
  return recorded.map((r) => (r === null ? LEASE_LOST : 'recorded'));
}

/** Each run in a transaction of its own: what a failed batch falls back to. */
async function one(deps: RecordDeps, items: readonly LeasedRecording[], actor: string): Promise<LeasedOutcome[]> {
  const out: LeasedOutcome[] = [];
  for (const i of items) {
    try {
      await recordOrFail(deps, i.kpi, i.evaluation, i.fence, actor);
      out.push('recorded');
    } catch (e) {
      if (!(isAppError(e) && e.details?.reason === LEASE_LOST)) throw e;
      out.push(LEASE_LOST);
    }
  }
  return out;
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
