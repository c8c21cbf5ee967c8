import type { KpiFields } from '../kpis/kpi.ts';
import type { BreachReason, NoJudgementReason, SeriesOutcome } from './outcome.ts';

export type JudgedRule = Pick<KpiFields, 'deviationPercent' | 'direction' | 'minThreshold' | 'maxThreshold' | 'thresholdCombine'>;

/**
 * Deviation in percent = (current - baseline) / baseline × 100, signed. A zero baseline: 0 when the
 * value is 0 too (nothing changed), otherwise null: every percentage of zero is infinite, so the
 * percent rule cannot judge it (the thresholds still can). A negative baseline divides by its absolute
 * value so that a rise stays positive.
 */
export function deviationPercent(value: number, baseline: number | null): number | null {
  if (baseline === null) return null;
  if (baseline === 0) return value === 0 ? 0 : null;
  return ((value - baseline) / Math.abs(baseline)) * 100;
}

/** One rule's verdict: broken (with the reason), kept, or not judgeable (and why). */
type Verdict = { broken: BreachReason } | { kept: true } | { unknown: NoJudgementReason };

function deviationVerdict(rule: JudgedRule, deviation: number | null, missing: NoJudgementReason): Verdict {
  if (deviation === null) return { unknown: missing };
  const limit = rule.deviationPercent;
  if (deviation < -limit && rule.direction !== 'spike') return { broken: { rule: 'deviation', direction: 'drop', limit, value: deviation } };
  if (deviation > limit && rule.direction !== 'drop') return { broken: { rule: 'deviation', direction: 'spike', limit, value: deviation } };
  return { kept: true };
}

/**
 * Judges one value. The percent rule always applies; the thresholds when set. `any`: one broken rule is
 * a breach. `all`: every rule must be broken. When the percent rule cannot judge (no baseline, zero
 * baseline) the result is `no_judgement` unless the other rules decide it anyway (`any` with a broken
 * threshold is a breach; `all` with a kept threshold is ok): a baseline is never invented.
 */
export function judge(rule: JudgedRule, value: number, baseline: number | null, missingBaseline: NoJudgementReason = 'insufficient_history'): SeriesOutcome {
  const deviation = deviationPercent(value, baseline);
  const reasonIfUnknown: NoJudgementReason = baseline === 0 ? 'zero_baseline' : missingBaseline;
  const verdicts: Verdict[] = [deviationVerdict(rule, deviation, reasonIfUnknown)];
  if (rule.minThreshold !== null) {
    verdicts.push(value < rule.minThreshold ? { broken: { rule: 'min_threshold', limit: rule.minThreshold, value } } : { kept: true });
  }
  if (rule.maxThreshold !== null) {
    verdicts.push(value > rule.maxThreshold ? { broken: { rule: 'max_threshold', limit: rule.maxThreshold, value } } : { kept: true });
  }
  const reasons = verdicts.flatMap((v) => ('broken' in v ? [v.broken] : []));
  const unknown = verdicts.find((v): v is { unknown: NoJudgementReason } => 'unknown' in v);
  const anyKept = verdicts.some((v) => 'kept' in v);
  if (rule.thresholdCombine === 'any') {
    if (reasons.length > 0) return { kind: 'breach', reasons };
    return unknown ? { kind: 'no_judgement', reason: unknown.unknown } : { kind: 'ok' };
  }
  if (anyKept) return { kind: 'ok' };
  return unknown ? { kind: 'no_judgement', reason: unknown.unknown } : { kind: 'breach', reasons };
}
