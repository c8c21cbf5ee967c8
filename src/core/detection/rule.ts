import type { BaselineAggregate, Direction, ThresholdCombine } from '../kpis/kpi.ts';
import type { BreachReason, NoJudgementReason, SeriesOutcome } from '../executions/outcome.ts';
import { bandSigmas, type Sensitivity } from './sensitivity.ts';

/**
 * The rules a KPI combines: the adaptive band (its sensitivity), an accepted deviation in percent, and
 * absolute thresholds; `direction` limits the band and the deviation to drops or spikes. Null turns a
 * rule off. `any`: one broken rule is a breach; `all`: every rule that applies must be broken.
 */
export interface DetectionRule {
  readonly sensitivity: Sensitivity | null;
  readonly deviationPercent: number | null;
  readonly minThreshold: number | null;
  readonly maxThreshold: number | null;
  readonly direction: Direction;
  readonly thresholdCombine: ThresholdCombine;
  readonly baselineAggregate: BaselineAggregate;
}

/**
 * Deviation in percent = (current − baseline) / |baseline| × 100, signed. A zero baseline: 0 when the
 * value is 0 too, otherwise null (every percentage of zero is infinite; the band still judges it).
 */
export function deviationPercent(value: number, baseline: number | null): number | null {
  if (baseline === null) return null;
  if (baseline === 0) return value === 0 ? 0 : null;
  return ((value - baseline) / Math.abs(baseline)) * 100;
}

/** What a rule accepts: [low, high], null = unbounded on that side. */
export interface Range {
  readonly low: number | null;
  readonly high: number | null;
}

type Verdict = { readonly broken: BreachReason; readonly range: Range } | { readonly kept: true; readonly range: Range } | { readonly unknown: NoJudgementReason };

function sided(rule: DetectionRule, low: number, high: number): Range {
  return { low: rule.direction === 'spike' ? null : low, high: rule.direction === 'drop' ? null : high };
}

function bandVerdict(rule: DetectionRule, value: number, baseline: number | null, sigma: number | null, dropLimit: number | null): Verdict | null {
  if (rule.sensitivity === null) return null;
  if (baseline === null || sigma === null) return { unknown: 'insufficient_history' };
  const half = bandSigmas(rule.sensitivity) * sigma;
  const range = sided(rule, baseline - Math.min(half, dropLimit ?? half), baseline + half);
  if (range.low !== null && value < range.low) return { broken: { rule: 'band', direction: 'drop', limit: range.low, value }, range };
  if (range.high !== null && value > range.high) return { broken: { rule: 'band', direction: 'spike', limit: range.high, value }, range };
  return { kept: true, range };
}

/** The percentage rule: `limit` and `value` of its reason are percentages. */
function deviationVerdict(rule: DetectionRule, value: number, baseline: number | null): Verdict | null {
  const limit = rule.deviationPercent;
  if (limit === null) return null;
  if (baseline === null) return { unknown: 'insufficient_history' };
  const deviation = deviationPercent(value, baseline);
  if (deviation === null) return { unknown: 'zero_baseline' };
  const half = (Math.abs(baseline) * limit) / 100;
  const range = sided(rule, baseline - half, baseline + half);
  if (deviation < -limit && rule.direction !== 'spike') return { broken: { rule: 'deviation', direction: 'drop', limit, value: deviation }, range };
  if (deviation > limit && rule.direction !== 'drop') return { broken: { rule: 'deviation', direction: 'spike', limit, value: deviation }, range };
  return { kept: true, range };
}

function thresholdVerdicts(rule: DetectionRule, value: number): Verdict[] {
  const out: Verdict[] = [];
  if (rule.minThreshold !== null) {
    const range = { low: rule.minThreshold, high: null };
    out.push(value < rule.minThreshold ? { broken: { rule: 'min_threshold', limit: rule.minThreshold, value }, range } : { kept: true, range });
  }
  if (rule.maxThreshold !== null) {
    const range = { low: null, high: rule.maxThreshold };
    out.push(value > rule.maxThreshold ? { broken: { rule: 'max_threshold', limit: rule.maxThreshold, value }, range } : { kept: true, range });
  }
  return out;
}

/**
 * The range the rules together accept. `any`: the narrowest (every bound applies). `all`: the widest
 * (a side that some rule leaves open can never breach).
 */
function combinedRange(ranges: readonly Range[], combine: ThresholdCombine): Range | null {
  if (ranges.length === 0) return null;
  let low: number | null = combine === 'any' ? null : Infinity;
  let high: number | null = combine === 'any' ? null : -Infinity;
  for (const r of ranges) {
    if (combine === 'any') {
      if (r.low !== null) low = low === null ? r.low : Math.max(low, r.low);
      if (r.high !== null) high = high === null ? r.high : Math.min(high, r.high);
    } else {
      low = r.low === null || low === null ? null : Math.min(low, r.low);
      high = r.high === null || high === null ? null : Math.max(high, r.high);
    }
  }
  return { low, high };
}

export interface RuleVerdict {
  readonly outcome: SeriesOutcome;
  /** What the rules accepted for this value; null when no rule could judge it. */
  readonly range: Range | null;
}

/**
 * Judges one value (`dropLimit`: the most the band may reach below the baseline, see model.ts). When a rule cannot judge (no baseline yet, a zero baseline for a percentage) the
 * result is `no_judgement` unless the other rules decide it anyway (`any` with a broken rule is a
 * breach; `all` with a kept rule is ok): a baseline is never invented.
 */
export function applyRules(rule: DetectionRule, value: number, baseline: number | null, sigma: number | null = null, dropLimit: number | null = null): RuleVerdict {
  const verdicts: Verdict[] = [];
  const band = bandVerdict(rule, value, baseline, sigma, dropLimit);
  if (band !== null) verdicts.push(band);
  const deviation = deviationVerdict(rule, value, baseline);
  if (deviation !== null) verdicts.push(deviation);
  verdicts.push(...thresholdVerdicts(rule, value));
  const reasons: BreachReason[] = [];
  const ranges: Range[] = [];
  let unknown: NoJudgementReason | null = null;
  let anyKept = false;
  for (const v of verdicts) {
    if ('broken' in v) reasons.push(v.broken);
    else if ('kept' in v) anyKept = true;
    else unknown ??= v.unknown;
    if ('range' in v) ranges.push(v.range);
  }
  const range = combinedRange(ranges, rule.thresholdCombine);
  const undecided: SeriesOutcome = unknown !== null ? { kind: 'no_judgement', reason: unknown } : { kind: 'ok' };
  if (rule.thresholdCombine === 'any') return { outcome: reasons.length > 0 ? { kind: 'breach', reasons } : undecided, range };
  if (anyKept) return { outcome: { kind: 'ok' }, range };
  return { outcome: unknown !== null ? undecided : { kind: 'breach', reasons }, range };
}
