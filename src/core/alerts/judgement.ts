import type { IncidentTransition } from '../detection/incident.ts';
import type { Range } from '../detection/rule.ts';
import type { ExecutionStatus, SeriesOutcome } from '../executions/outcome.ts';
import type { AlertPolicyOverrides } from '../kpis/alert-policy.ts';
import type { Kpi } from '../kpis/kpi.ts';

/**
 * What the alerting side needs to know about one series (one key) of one KPI execution. The execution
 * side maps its outcome onto this; alerting reads nothing else about executions.
 *
 * - A successful execution gives one judgement per key it returned.
 * - A failed, timed-out or stuck execution gives ONE judgement with that status; its `key` is ignored
 *   and its `outcome` null (failures are counted per KPI), `error` says what went wrong.
 */
export interface SeriesJudgement {
  readonly kpi: Kpi;
  /** The series key ('' for a KPI that returns a single value). */
  readonly key: string;
  readonly executionId: string;
  /** When the execution ran (its slot). */
  readonly at: Date;
  readonly status: ExecutionStatus;
  /** The series' outcome; null for a failed run (nothing was judged). */
  readonly outcome: SeriesOutcome | null;
  /** The series' incident opened or ended with this run (see core/detection/incident.ts). */
  readonly incident: IncidentTransition;
  readonly value: number | null;
  readonly baseline: number | null;
  /** Signed deviation from the baseline in percent (-40 = 40 % below), null without a baseline. */
  readonly deviationPercent: number | null;
  /** What the rules accepted for the value ([low, high]); null when nothing could judge. */
  readonly band: Range | null;
  readonly error: string | null;
}

/**
 * How alerts behave: the global setting (configuration), which a KPI may override field by field (see
 * policyFor). Every count is of consecutive executions.
 */
export interface AlertPolicy {
  /** N: a breach alert opens after this many breaching executions in a row; null = the automatic rule (core/detection/incident.ts). */
  readonly pendingExecutions: number | null;
  /** M: an open alert resolves itself after this many normal executions in a row; null = the automatic rule. */
  readonly resolveAfterExecutions: number | null;
  /** K: a "KPI failing" alert opens after this many failed executions in a row. */
  readonly failingAfterFailures: number;
  /** Repeat the notification while firing and unacknowledged, every this many minutes; 0 = never. */
  readonly reminderMinutes: number;
  /** Notify the KPI owner's contact when unacknowledged for this many minutes; 0 = never. */
  readonly escalateAfterMinutes: number;
}

/** The policy that applies to a KPI: its own value where it set one, the global one elsewhere. */
export function policyFor(global: AlertPolicy, kpi: AlertPolicyOverrides): AlertPolicy {
  return {
    pendingExecutions: kpi.pendingExecutions ?? global.pendingExecutions,
    resolveAfterExecutions: kpi.resolveAfterExecutions ?? global.resolveAfterExecutions,
    failingAfterFailures: kpi.failingAfterFailures ?? global.failingAfterFailures,
    reminderMinutes: kpi.reminderMinutes ?? global.reminderMinutes,
    escalateAfterMinutes: kpi.escalateAfterMinutes ?? global.escalateAfterMinutes,
  };
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  pendingExecutions: null,
  resolveAfterExecutions: null,
  failingAfterFailures: 3,
  reminderMinutes: 0,
  escalateAfterMinutes: 30,
};

export type { ExecutionStatus };
