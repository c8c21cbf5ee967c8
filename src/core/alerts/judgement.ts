import type { AlertPolicyOverrides } from '../kpis/alert-policy.ts';
import type { Kpi } from '../kpis/kpi.ts';

/** One rule that a value broke: `rule` names it (`deviation`, `minThreshold`, `maxThreshold`), `limit` what it allowed. */
export interface BreachReason {
  readonly rule: string;
  readonly limit: number;
  readonly value: number;
}

export type JudgementOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'breach'; readonly reasons: readonly BreachReason[] }
  /** Neither good nor bad: "no rows", "insufficient history" ... It never opens nor resolves a breach alert. */
  | { readonly kind: 'no_judgement'; readonly reason: string };

export type ExecutionStatus = 'success' | 'failed' | 'timeout' | 'stuck';

/**
 * What the alerting side needs to know about one series (one key) of one KPI execution. The execution
 * side maps its outcome onto this; alerting reads nothing else about executions.
 *
 * - A successful execution gives one judgement per key it returned.
 * - A failed, timed-out or stuck execution gives ONE judgement with that status; its `key` and `outcome`
 *   are ignored (failures are counted per KPI), `error` says what went wrong.
 */
export interface SeriesJudgement {
  readonly kpi: Kpi;
  /** The series key ('' for a KPI that returns a single value). */
  readonly key: string;
  readonly executionId: string;
  /** When the execution ran (its slot). */
  readonly at: Date;
  readonly status: ExecutionStatus;
  readonly outcome: JudgementOutcome;
  readonly value: number | null;
  readonly baseline: number | null;
  /** Signed deviation from the baseline in percent (-40 = 40 % below), null without a baseline. */
  readonly deviationPercent: number | null;
  readonly error: string | null;
}

/**
 * How alerts behave: the global setting (configuration), which a KPI may override field by field (see
 * policyFor). Every count is of consecutive executions.
 */
export interface AlertPolicy {
  /** N: a breach alert opens after this many breaching executions in a row (1 = at once). */
  readonly pendingExecutions: number;
  /** M: an open alert resolves itself after this many normal executions in a row. */
  readonly resolveAfterExecutions: number;
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
  pendingExecutions: 1,
  resolveAfterExecutions: 1,
  failingAfterFailures: 3,
  reminderMinutes: 0,
  escalateAfterMinutes: 30,
};
