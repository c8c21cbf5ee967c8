import { describe, expect, it } from 'vitest';
import { applyRules, deviationPercent, type DetectionRule } from '../../src/core/detection/rule.ts';

const rule = (o: Partial<DetectionRule> = {}): DetectionRule => ({
  sensitivity: null, deviationPercent: 10, minThreshold: null, maxThreshold: null, direction: 'both', thresholdCombine: 'any', baselineAggregate: 'median', ...o,
});

describe('deviation in percent', () => {
  it('given a baseline, the deviation is signed percent of it; a zero baseline gives 0 for 0, otherwise nothing', () => {
    expect(deviationPercent(80, 100)).toBe(-20);
    expect(deviationPercent(150, 100)).toBe(50);
    expect(deviationPercent(-50, -100)).toBe(50);
    expect(deviationPercent(0, 0)).toBe(0);
    expect(deviationPercent(5, 0)).toBeNull();
    expect(deviationPercent(5, null)).toBeNull();
  });
});

describe('the rules of a KPI', () => {
  it('given a band wider than the baseline and a limit on how far it may reach below it, then a total loss breaches', () => {
    const r = rule({ sensitivity: 'medium', deviationPercent: null });
    expect(applyRules(r, 0, 45, 17).outcome.kind).toBe('ok'); // 45 − 3.5 × 17 < 0: no drop could breach
    expect(applyRules(r, 0, 45, 17, 36)).toEqual({ outcome: { kind: 'breach', reasons: [{ rule: 'band', direction: 'drop', limit: 9, value: 0 }] }, range: { low: 9, high: 45 + 3.5 * 17 } });
  });

  it('given the band (medium = 3.5 sigma), when the value is outside it, then a band breach names the edge crossed and the range accepted', () => {
    const r = rule({ sensitivity: 'medium', deviationPercent: null });
    expect(applyRules(r, 100, 100, 10)).toEqual({ outcome: { kind: 'ok' }, range: { low: 65, high: 135 } });
    expect(applyRules(r, 60, 100, 10)).toEqual({ outcome: { kind: 'breach', reasons: [{ rule: 'band', direction: 'drop', limit: 65, value: 60 }] }, range: { low: 65, high: 135 } });
    expect(applyRules(rule({ sensitivity: 'low', deviationPercent: null }), 60, 100, 10).outcome).toEqual({ kind: 'ok' });
    expect(applyRules(rule({ sensitivity: 'high', deviationPercent: null }), 70, 100, 10).outcome.kind).toBe('breach');
  });

  it('given the band before the model has seen enough (no sigma), then no judgement, unless a threshold decides', () => {
    expect(applyRules(rule({ sensitivity: 'medium', deviationPercent: null }), 60, 100, null).outcome).toEqual({ kind: 'no_judgement', reason: 'insufficient_history' });
    expect(applyRules(rule({ sensitivity: 'medium', deviationPercent: null, minThreshold: 70 }), 60, 100, null)).toEqual({
      outcome: { kind: 'breach', reasons: [{ rule: 'min_threshold', limit: 70, value: 60 }] }, range: { low: 70, high: null },
    });
  });

  it('the direction decides which side breaches, and leaves the other side unbounded', () => {
    expect(applyRules(rule({ direction: 'drop' }), 80, 100)).toMatchObject({ outcome: { kind: 'breach', reasons: [{ rule: 'deviation', direction: 'drop', limit: 10, value: -20 }] }, range: { low: 90, high: null } });
    expect(applyRules(rule({ direction: 'drop' }), 120, 100).outcome).toEqual({ kind: 'ok' });
    expect(applyRules(rule({ direction: 'spike' }), 120, 100).outcome.kind).toBe('breach');
    expect(applyRules(rule(), 105, 100)).toEqual({ outcome: { kind: 'ok' }, range: { low: 90, high: 110 } });
  });

  it('any: one broken rule breaches and the narrowest range applies; all: every rule must break and the widest applies', () => {
    const r = { minThreshold: 90, maxThreshold: null };
    expect(applyRules(rule({ ...r, thresholdCombine: 'any' }), 95, 120)).toMatchObject({ outcome: { kind: 'breach', reasons: [{ rule: 'deviation' }] }, range: { low: 108, high: 132 } });
    expect(applyRules(rule({ ...r, thresholdCombine: 'all' }), 95, 120)).toEqual({ outcome: { kind: 'ok' }, range: { low: 90, high: null } });
    expect(applyRules(rule({ ...r, thresholdCombine: 'all' }), 50, 120).outcome).toMatchObject({ kind: 'breach', reasons: [{ rule: 'deviation' }, { rule: 'min_threshold' }] });
  });

  it('without a baseline: no judgement, unless a threshold decides anyway; a zero baseline cannot be judged in percent', () => {
    expect(applyRules(rule(), 50, null).outcome).toEqual({ kind: 'no_judgement', reason: 'insufficient_history' });
    expect(applyRules(rule({ minThreshold: 60 }), 50, null).outcome).toMatchObject({ kind: 'breach', reasons: [{ rule: 'min_threshold' }] });
    expect(applyRules(rule({ minThreshold: 60, thresholdCombine: 'all' }), 50, null).outcome).toEqual({ kind: 'no_judgement', reason: 'insufficient_history' });
    expect(applyRules(rule({ minThreshold: 40, thresholdCombine: 'all' }), 50, null).outcome).toEqual({ kind: 'ok' });
    expect(applyRules(rule(), 5, 0).outcome).toEqual({ kind: 'no_judgement', reason: 'zero_baseline' });
    expect(applyRules(rule({ maxThreshold: 3 }), 5, 0).outcome).toMatchObject({ kind: 'breach', reasons: [{ rule: 'max_threshold', limit: 3, value: 5 }] });
  });
});
