/**
 * The one severity scale, from the size of the deviation and the KPI's priority:
 *
 * | |deviation| from the baseline | level    |
 * |-------------------------------|----------|
 * | 50 % or more                  | critical |
 * | 25 % to 50 %                  | high     |
 * | 10 % to 25 %                  | medium   |
 * | under 10 %                    | low      |
 *
 * Without a baseline (an absolute threshold broke) the level is `medium`. Priority 1 raises the level
 * by one step (low → medium ... high → critical); priority 2 keeps it. A "KPI failing" alert is `high`
 * at priority 1 and `medium` at priority 2.
 */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const raise = (s: Severity, steps: number): Severity =>
  SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(s) + steps)]!;

export function breachSeverity(deviationPercent: number | null, priority: 1 | 2): Severity {
  const size = deviationPercent === null ? null : Math.abs(deviationPercent);
  const base: Severity = size === null ? 'medium' : size >= 50 ? 'critical' : size >= 25 ? 'high' : size >= 10 ? 'medium' : 'low';
  return raise(base, priority === 1 ? 1 : 0);
}

export const failingSeverity = (priority: 1 | 2): Severity => (priority === 1 ? 'high' : 'medium');
