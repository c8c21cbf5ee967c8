import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../src/core/kpis/schedule.ts';
import { DEFAULT_SPREAD, firstStart, idFraction, NO_SPREAD, plannedStart, slotAt, spreadOffsetMs } from '../../src/core/kpis/spread.ts';

const at = (iso: string) => new Date(`2026-03-02T${iso}Z`);
const every = (frequencyMinutes: number): Schedule => ({ kind: 'interval', frequencyMinutes });
const ids = Array.from({ length: 2000 }, (_, i) => `kpi_${i.toString(36).padStart(8, '0')}`);

describe('spreading runs inside their period', () => {
  it('given a KPI id, the offset is the same every time and for every node, and different KPIs get different offsets', () => {
    expect(spreadOffsetMs('kpi_abc', 300_000, DEFAULT_SPREAD)).toBe(spreadOffsetMs('kpi_abc', 300_000, DEFAULT_SPREAD));
    const offsets = new Set(ids.map((id) => spreadOffsetMs(id, 60_000, DEFAULT_SPREAD)));
    expect(offsets.size).toBeGreaterThan(1900);
  });

  it('the offset stays below the fraction of the period and below the maximum, and spreads over all of that range', () => {
    const spread = (periodMs: number) => ids.map((id) => spreadOffsetMs(id, periodMs, DEFAULT_SPREAD));
    const oneMinute = spread(60_000);
    expect(Math.max(...oneMinute)).toBeLessThan(30_000);
    expect(Math.max(...oneMinute)).toBeGreaterThan(29_000);
    expect(Math.min(...oneMinute)).toBeLessThan(1_000);
    // Every quarter of the range holds a fair share: the hash does not bunch the runs up again.
    for (let q = 0; q < 4; q++) expect(oneMinute.filter((o) => Math.floor(o / 7_500) === q).length).toBeGreaterThan(400);
    const hourly = spread(3_600_000);
    expect(Math.max(...hourly)).toBeLessThan(60_000);
    expect(Math.max(...hourly)).toBeGreaterThan(59_000);
    expect(ids.every((id) => Number.isInteger(spreadOffsetMs(id, 300_000, DEFAULT_SPREAD)))).toBe(true);
  });

  it('no spread, or a fraction past the period, never plans a run at or after the next slot', () => {
    expect(ids.every((id) => spreadOffsetMs(id, 60_000, NO_SPREAD) === 0)).toBe(true);
    const wide = { fraction: 5, maxMs: 3_600_000 };
    expect(ids.every((id) => spreadOffsetMs(id, 60_000, wide) < 60_000)).toBe(true);
    expect(idFraction('')).toBeGreaterThanOrEqual(0);
    expect(ids.every((id) => idFraction(id) < 1)).toBe(true);
  });

  it('a cron slot is spread by its own gap to the next slot', () => {
    const cron: Schedule = { kind: 'cron', cron: '3,33 * * * *', timezone: 'Europe/Berlin' };
    const id = ids.find((i) => idFraction(i) > 0.9)!;
    const start = plannedStart(cron, id, at('09:03:00'), DEFAULT_SPREAD);
    expect(start.getTime() - at('09:03:00').getTime()).toBe(spreadOffsetMs(id, 30 * 60_000, DEFAULT_SPREAD));
    // A cron that never fires again: its last slot runs at the slot.
    const once: Schedule = { kind: 'cron', cron: '0 0 1 1 * 2026', timezone: 'UTC' };
    expect(plannedStart(once, id, new Date('2026-01-01T00:00:00Z'), DEFAULT_SPREAD)).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('a claim runs the latest slot whose planned start has come; before that start it runs nothing newer', () => {
    const id = ids.find((i) => idFraction(i) > 0.5 && idFraction(i) < 0.6)!; // about 15-18 s into a 1-minute period
    const offset = spreadOffsetMs(id, 60_000, DEFAULT_SPREAD);
    const s = every(1);
    const planned = new Date(at('09:01:00').getTime() + offset);
    expect(firstStart(s, id, at('09:00:10'), DEFAULT_SPREAD)).toEqual(planned);
    expect(slotAt(s, id, planned, planned, DEFAULT_SPREAD)).toEqual({ slot: at('09:01:00'), next: new Date(at('09:02:00').getTime() + offset) });
    // Late by a whole slot and a bit, but before the newer slot's start: the slot due, next the newer one.
    const late = new Date(at('09:02:00').getTime() + offset - 1);
    expect(slotAt(s, id, late, planned, DEFAULT_SPREAD)).toEqual({ slot: at('09:01:00'), next: new Date(at('09:02:00').getTime() + offset) });
    // Down for ten minutes: once, for the latest slot that has started.
    expect(slotAt(s, id, at('09:12:59'), planned, DEFAULT_SPREAD).slot).toEqual(at('09:12:00'));
  });

  it('a run row written before spreading (next start = the bare slot) runs that slot, then the spread ones', () => {
    const id = ids.find((i) => idFraction(i) > 0.5)!;
    const offset = spreadOffsetMs(id, 300_000, DEFAULT_SPREAD);
    expect(slotAt(every(5), id, at('09:05:00'), at('09:05:00'), DEFAULT_SPREAD)).toEqual({ slot: at('09:05:00'), next: new Date(at('09:10:00').getTime() + offset) });
  });
});
