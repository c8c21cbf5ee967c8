import { describe, expect, it } from 'vitest';
import { bindNamedParameters, usesWindow } from '../../src/core/executions/query-params.ts';
import { normaliseRows } from '../../src/core/executions/result-shape.ts';
import { latestSlot, nextSlot } from '../../src/core/kpis/schedule.ts';


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

describe('slots', () => {
  it('the latest slot at or before a time, for intervals and cron', () => {
    const at = new Date('2026-03-02T09:07:30Z');
    expect(latestSlot({ kind: 'interval', frequencyMinutes: 5 }, at).toISOString()).toBe('2026-03-02T09:05:00.000Z');
    expect(latestSlot({ kind: 'cron', cron: '0 * * * *', timezone: 'UTC' }, at).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(latestSlot({ kind: 'cron', cron: '0 * * * *', timezone: 'UTC' }, new Date('2026-03-02T09:00:00Z')).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(nextSlot({ kind: 'interval', frequencyMinutes: 5 }, new Date('2026-03-02T09:05:00Z')).toISOString()).toBe('2026-03-02T09:10:00.000Z');
  });
});
