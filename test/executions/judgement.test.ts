import { describe, expect, it } from 'vitest';
import { aggregate, baselineFrom, pastWindowEnds, windowToleranceMs } from '../../src/core/executions/baseline.ts';
import { deviationPercent, judge, type JudgedRule } from '../../src/core/executions/judge.ts';
import { bindNamedParameters, usesWindow } from '../../src/core/executions/query-params.ts';
import { normaliseRows } from '../../src/core/executions/result-shape.ts';
import { latestSlot, nextSlot } from '../../src/core/kpis/schedule.ts';

const rule = (o: Partial<JudgedRule> = {}): JudgedRule => ({ deviationPercent: 10, direction: 'both', minThreshold: null, maxThreshold: null, thresholdCombine: 'any', ...o });

describe('deviation and judgement', () => {
  it('given a baseline, the deviation is signed percent of it', () => {
    expect(deviationPercent(80, 100)).toBe(-20);
    expect(deviationPercent(150, 100)).toBe(50);
    expect(deviationPercent(-50, -100)).toBe(50);
  });

  it('given a zero baseline, 0 is no change and anything else cannot be judged by percent', () => {
    expect(deviationPercent(0, 0)).toBe(0);
    expect(deviationPercent(5, 0)).toBeNull();
    expect(judge(rule(), 5, 0)).toEqual({ kind: 'no_judgement', reason: 'zero_baseline' });
    expect(judge(rule({ maxThreshold: 3 }), 5, 0)).toMatchObject({ kind: 'breach', reasons: [{ rule: 'max_threshold', limit: 3, value: 5 }] });
  });

  it('the direction decides which side breaches', () => {
    expect(judge(rule({ direction: 'drop' }), 80, 100)).toMatchObject({ kind: 'breach', reasons: [{ rule: 'deviation', direction: 'drop', limit: 10, value: -20 }] });
    expect(judge(rule({ direction: 'drop' }), 120, 100)).toEqual({ kind: 'ok' });
    expect(judge(rule({ direction: 'spike' }), 120, 100)).toMatchObject({ kind: 'breach' });
    expect(judge(rule(), 105, 100)).toEqual({ kind: 'ok' });
  });

  it('any: one broken rule breaches; all: every rule must break', () => {
    const r = { minThreshold: 90, maxThreshold: null };
    expect(judge(rule({ ...r, thresholdCombine: 'any' }), 95, 120)).toMatchObject({ kind: 'breach', reasons: [{ rule: 'deviation' }] });
    expect(judge(rule({ ...r, thresholdCombine: 'all' }), 95, 120)).toEqual({ kind: 'ok' });
    expect(judge(rule({ ...r, thresholdCombine: 'all' }), 50, 120)).toMatchObject({ kind: 'breach', reasons: [{ rule: 'deviation' }, { rule: 'min_threshold' }] });
  });

  it('without a baseline: no judgement, unless a threshold decides anyway', () => {
    expect(judge(rule(), 50, null)).toEqual({ kind: 'no_judgement', reason: 'insufficient_history' });
    expect(judge(rule({ minThreshold: 60 }), 50, null)).toMatchObject({ kind: 'breach', reasons: [{ rule: 'min_threshold' }] });
    expect(judge(rule({ minThreshold: 60, thresholdCombine: 'all' }), 50, null)).toEqual({ kind: 'no_judgement', reason: 'insufficient_history' });
    expect(judge(rule({ minThreshold: 40, thresholdCombine: 'all' }), 50, null)).toEqual({ kind: 'ok' });
  });
});

describe('result shapes', () => {
  it('(a) one value, with historical', () => {
    expect(normaliseRows([{ Value: '12.5', Historical: 10 }], ['Value', 'Historical'])).toEqual({ ok: true, series: [{ key: null, value: 12.5, historical: 10 }] });
  });
  it('(b) a series per key; a repeated key is an error', () => {
    expect(normaliseRows([{ key: 'DE', value: 1 }, { key: 'FR', value: 2n }], ['key', 'value'])).toMatchObject({ ok: true, series: [{ key: 'DE', value: 1 }, { key: 'FR', value: 2 }] });
    expect(normaliseRows([{ key: 'DE', value: 1 }, { key: 'DE', value: 2 }], ['key', 'value'])).toMatchObject({ ok: false, error: expect.stringContaining('DE') });
  });
  it('(c) success rate per item and overall', () => {
    const r = normaliseRows([{ ItemName: 'card', Total: 4, Successful: 3 }, { ItemName: 'sepa', Total: 6, Successful: 6 }], ['ItemName', 'Total', 'Successful']);
    expect(r).toEqual({ ok: true, series: [{ key: 'card', value: 75, historical: null }, { key: 'sepa', value: 100, historical: null }, { key: '*', value: 90, historical: null }] });
  });
  it('anything else names the columns it found', () => {
    expect(normaliseRows([{ n: 1, total: 2 }], ['n', 'total'])).toEqual({ ok: false, error: expect.stringContaining('found columns: n, total') });
    expect(normaliseRows([{ value: 'abc' }], ['value'])).toMatchObject({ ok: false, error: expect.stringContaining('not a number') });
    expect(normaliseRows([{ value: 1 }, { value: 2 }], ['value'])).toMatchObject({ ok: false });
  });
});

describe('named parameters', () => {
  it('become numbered placeholders, repeated names share one', () => {
    expect(bindNamedParameters('SELECT :windowEnd, :windowStart, :windowEnd, x::int', 'postgres')).toEqual({ text: 'SELECT $1, $2, $1, x::int', names: ['windowEnd', 'windowStart'] });
    expect(bindNamedParameters('SELECT :windowEnd, :forLastMinutes, :windowEnd', 'mysql')).toEqual({ text: 'SELECT ?, ?, ?', names: ['windowEnd', 'forLastMinutes', 'windowEnd'] });
  });
  it('are not touched inside literals, identifiers, comments and dollar quotes; unknown names stay', () => {
    const sql = `SELECT ':windowEnd', "a:windowEnd", $$ :windowEnd $$, :other, :windowEndX /* :windowEnd */ -- :windowEnd`;
    expect(bindNamedParameters(sql, 'postgres')).toEqual({ text: sql, names: [] });
    expect(usesWindow('SELECT 1 AS value -- :windowStart')).toBe(false);
    expect(usesWindow('SELECT count(*) AS value FROM t WHERE at >= :windowStart')).toBe(true);
  });
});

describe('the seasonal baseline', () => {
  it('looks at the same local time in past weeks, across a DST change', () => {
    // Berlin switches to summer time on 2026-03-29: 09:00 local is 07:00Z after, 08:00Z before.
    const ends = pastWindowEnds(new Date('2026-04-06T07:00:00Z'), 2, 'Europe/Berlin');
    expect(ends.map((d) => d.toISOString())).toEqual(['2026-03-30T07:00:00.000Z', '2026-03-23T08:00:00.000Z']);
  });
  it('aggregates by mean or median, and needs the minimum of windows', () => {
    expect(aggregate([1, 2, 10], 'mean')).toBe(13 / 3);
    expect(aggregate([1, 2, 10], 'median')).toBe(2);
    expect(aggregate([1, 2, 10, 11], 'median')).toBe(6);
    const targets = [new Date(3), new Date(2), new Date(1)];
    expect(baselineFrom(targets, [{ target: new Date(3), value: 4 }], 2, 'mean')).toEqual({ kind: 'insufficient', windows: 1, missing: [new Date(2), new Date(1)] });
    expect(baselineFrom(targets, [{ target: new Date(3), value: 4 }, { target: new Date(1), value: 6 }], 2, 'mean')).toEqual({ kind: 'baseline', value: 5, windows: 2 });
  });
  it('the tolerance is half the period, between 1 and 30 minutes', () => {
    expect(windowToleranceMs(5)).toBe(150_000);
    expect(windowToleranceMs(1)).toBe(60_000);
    expect(windowToleranceMs(1440)).toBe(1_800_000);
  });
});

describe('slots', () => {
  it('the latest slot at or before a time, for intervals and cron', () => {
    const at = new Date('2026-03-02T09:07:30Z');
    expect(latestSlot({ kind: 'interval', frequencyMinutes: 5 }, at).toISOString()).toBe('2026-03-02T09:05:00.000Z');
    expect(latestSlot({ kind: 'cron', cron: '0 * * * *', timezone: 'UTC' }, at).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(latestSlot({ kind: 'cron', cron: '0 * * * *', timezone: 'UTC' }, new Date('2026-03-02T09:00:00Z')).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(nextSlot({ kind: 'interval', frequencyMinutes: 5 }, new Date('2026-03-02T09:05:00Z')).toISOString()).toBe('2026-03-02T09:10:00.000Z');
  });
});
