import type { FieldErrors } from '../shared/validation.ts';

/**
 * The parts of the alert policy a KPI may set for itself. Each is null by default: the global
 * setting (ALERT_PENDING_EXECUTIONS, ...) applies. See AlertPolicy (core/alerts/judgement.ts) for what
 * each one means.
 */
export const ALERT_POLICY_FIELDS = [
  'pendingExecutions', 'resolveAfterExecutions', 'failingAfterFailures', 'reminderMinutes', 'escalateAfterMinutes',
] as const;

export type AlertPolicyField = (typeof ALERT_POLICY_FIELDS)[number];
export type AlertPolicyOverrides = { readonly [K in AlertPolicyField]: number | null };

/**
 * Whole numbers within these bounds, for a KPI's override and for the global setting alike. Counts of
 * executions start at 1; minutes may be 0 = never (no reminders, no escalation), up to a year.
 */
export const ALERT_POLICY_LIMITS: { readonly [K in AlertPolicyField]: { readonly min: number; readonly max: number } } = {
  pendingExecutions: { min: 1, max: 1000 },
  resolveAfterExecutions: { min: 1, max: 1000 },
  failingAfterFailures: { min: 1, max: 1000 },
  reminderMinutes: { min: 0, max: 525_600 },
  escalateAfterMinutes: { min: 0, max: 525_600 },
};

export const NO_POLICY_OVERRIDES: AlertPolicyOverrides = {
  pendingExecutions: null, resolveAfterExecutions: null, failingAfterFailures: null, reminderMinutes: null, escalateAfterMinutes: null,
};

export function checkPolicyOverrides(o: AlertPolicyOverrides, errors: FieldErrors): void {
  for (const field of ALERT_POLICY_FIELDS) {
    const v = o[field];
    const { min, max } = ALERT_POLICY_LIMITS[field];
    if (v !== null) errors.check(Number.isInteger(v) && v >= min && v <= max, `/${field}`, `must be null (the global setting) or a whole number from ${min} to ${max}`);
  }
}
