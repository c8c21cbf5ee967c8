import { describe, expect, it } from 'vitest';
import type { Basis } from '../../web/src/api/types.ts';
import { describeBand, describeBasis, describeReason, describeRule } from '../../web/src/rule-text.ts';

const rule = { sensitivity: null, deviationPercent: null, min: null, max: null } as const;

describe('a rule in words', () => {
  it('given the band with a direction and a minimum, then all three, the direction on the relative rules only', () => {
    expect(describeRule({ ...rule, sensitivity: 'medium', min: 80, direction: 'drop' })).toBe('adaptive band, medium sensitivity, drops only; below 80');
  });

  it('given the band and a percentage on both sides, then both, no direction word', () => {
    expect(describeRule({ ...rule, sensitivity: 'high', deviationPercent: 10, direction: 'both' })).toBe('adaptive band, high sensitivity and ±10% from the baseline');
  });

  it('given thresholds only, then no direction word (thresholds have their own side), and "all of" when every rule must break', () => {
    expect(describeRule({ ...rule, min: 5, max: 50, direction: 'spike' })).toBe('below 5; above 50');
    expect(describeRule({ ...rule, deviationPercent: 50, max: 100, combine: 'all' })).toBe('all of: ±50% from the baseline; above 100');
    expect(describeRule({ ...rule, max: 100, combine: 'all' })).toBe('above 100');
  });

  it('given every rule off (an alert from a store before the rules), then it says so', () => {
    expect(describeRule(rule)).toBe('no rule');
  });
});

describe('a recorded band in words', () => {
  it('given both sides, one side, none bounded, or no band, then a range, a bound, "unbounded" or a dash', () => {
    expect(describeBand({ low: 112, high: 188.456 })).toBe('112–188.46');
    expect(describeBand({ low: 80, high: null })).toBe('at least 80');
    expect(describeBand({ low: null, high: 30 })).toBe('at most 30');
    expect(describeBand({ low: null, high: null })).toBe('unbounded');
    expect(describeBand(null)).toBe('—');
  });
});

describe('what a band stood on', () => {
  const basis: Basis = {
    source: 'history', seasonality: 'weekly', seasonalPoints: ['2026-11-24T10:00:00Z', '2026-11-17T10:00:00Z', '2026-11-10T10:00:00Z', '2026-11-03T10:00:00Z'],
    levelPoints: 12, modelPoints: 300, sigma: 9.5,
  };
  it('given weekly seasonality, then the weeks, the level and the width', () => {
    expect(describeBasis(basis)).toBe('from the same time in 4 past weeks, level from 12 recent runs, width from 300 past runs');
  });

  it('given one past day and no level, then singular words and no level part', () => {
    expect(describeBasis({ ...basis, seasonality: 'daily', seasonalPoints: ['2026-11-30T10:00:00Z'], levelPoints: 0, modelPoints: 1 }))
      .toBe('from the same time on 1 past day, width from 1 past run');
  });

  it('given only recent runs, the query\'s own baseline, or nothing, then that', () => {
    expect(describeBasis({ ...basis, seasonality: 'none', seasonalPoints: [], levelPoints: 3, modelPoints: 0 })).toBe('from the level of 3 recent runs (no season yet)');
    expect(describeBasis({ ...basis, source: 'query' })).toBe("from the query's historical column");
    expect(describeBasis({ ...basis, seasonality: 'none', seasonalPoints: [], levelPoints: 0, modelPoints: 0 })).toBe('no history yet');
    expect(describeBasis(null)).toBe('no history yet');
  });
});

describe('a breach reason in words', () => {
  it('given each rule name the API uses, then a readable sentence with its figures in their units', () => {
    expect(describeReason({ rule: 'band', direction: 'drop', limit: 80.5, value: 60 })).toBe('band drop: 60 below 80.5');
    expect(describeReason({ rule: 'band', direction: 'spike', limit: 30, value: 60 })).toBe('band spike: 60 above 30');
    expect(describeReason({ rule: 'deviation', direction: 'spike', limit: 50, value: 200 })).toBe('deviation spike: +200% beyond ±50%');
    expect(describeReason({ rule: 'min_threshold', limit: 5, value: 3 })).toBe('below the minimum: 3 < 5');
    expect(describeReason({ rule: 'max_threshold', limit: 5, value: 7 })).toBe('above the maximum: 7 > 5');
  });

  it('given a rule name it does not know, then the name with spaces and both figures', () => {
    expect(describeReason({ rule: 'some_new_rule', limit: 1, value: 2 })).toBe('some new rule: 2 against the limit 1');
  });
});
