import type { ExecutionRecorded, ExecutionRecordedListener } from '../executions/ports.ts';
import type { EventMeta } from '../ports.ts';
import { handleJudgements } from './handle-judgements.ts';
import type { SeriesJudgement } from './judgement.ts';
import type { AlertDeps } from './notify.ts';

/**
 * The execution side's outcome as alerting's input: one judgement per series of a successful run,
 * one per failed run. Backfill runs are history for the baseline, not news: they judge nothing.
 */
export function judgementsOf(recorded: ExecutionRecorded): SeriesJudgement[] {
  const { kpi, result } = recorded;
  if (result.trigger === 'backfill') return [];
  const base = { kpi, executionId: result.runId, at: result.slot, status: result.status, error: result.error };
  if (result.status !== 'success') {
    return [{ ...base, key: '', outcome: null, incident: null, value: null, baseline: null, deviationPercent: null, band: null }];
  }
  return result.series.map((s) => ({
    ...base, key: s.key ?? '', outcome: s.outcome, incident: s.incident, value: s.value, baseline: s.baseline, deviationPercent: s.deviationPercent, band: s.band,
  }));
}

/**
 * Whether a run can change anything alerting keeps: not a success after a success with no incident
 * opened or ended. Then the KPI's failure streak is 0 already and no "KPI failing" alert is open (the
 * success before reset and resolved them), and no series opens or resolves a breach: nothing to lock.
 */
export function mayChangeAlerts(recorded: Pick<ExecutionRecorded, 'previous' | 'result'>): boolean {
  const { previous, result } = recorded;
  if (result.status !== 'success' || previous.lastStatus !== 'success') return true;
  if (result.series.length === 0) return true; // no rows: the KPI's noDataPolicy may open an alert
  return result.series.some((s) => s.incident === 'opened' || s.incident === 'ended');
}

/** Alerts about the KPI as a whole that any run may end (it ran: not stale; it has rows: data again). */
const ENDED_BY_A_RUN = ['stale', 'no_data'] as const;

/** The listener the execution side calls inside the transaction that records a run. */
export function alertOnExecutions(deps: AlertDeps): ExecutionRecordedListener {
  return async (tx, recorded) => {
    if (!mayChangeAlerts(recorded) && !(await tx.alerts.hasActive(recorded.kpi.id, ENDED_BY_A_RUN))) return;
    const judgements = judgementsOf(recorded);
    if (judgements.length === 0) return;
    // A run by hand is its caller's doing, alerts included; a scheduled one the scheduler's.
    const actor = recorded.trigger === 'schedule' ? 'system:scheduler' : recorded.actor;
    const meta: EventMeta = { actor, correlationId: recorded.result.runId, causationId: recorded.result.runId, traceId: recorded.result.traceId ?? undefined };
    await handleJudgements(tx, judgements, deps, meta);
  };
}
