import { describe, expect, it } from 'vitest';
import { diffKpi, kpiFromInput, validateKpi, type KpiInput } from '../../src/core/kpis/kpi.ts';
import { nextSlot, periodMinutes } from '../../src/core/kpis/schedule.ts';
import { unknownPlaceholders } from '../../src/core/kpis/templates.ts';

const now = new Date('2026-03-02T09:02:30Z');
const base: KpiInput = { indicator: 'Deposits', owner: 'payments', dataSourceId: 'dsn_1', query: 'SELECT 1 AS value' };

describe('a new KPI', () => {
  it('given only the required fields, then the documented defaults apply', () => {
    const k = kpiFromInput(base, now);
    expect(k).toMatchObject({
      priority: 2, frequencyMinutes: 60, cron: null, timezone: 'UTC', lastMinutes: 60, sensitivity: 'medium', deviationPercent: null,
      direction: 'both', thresholdCombine: 'any', baselineWeeks: 4, baselineAggregate: 'median',
      cooldownMinutes: 30, timeoutSeconds: 30, active: true, contactIds: [],
      pendingExecutions: null, resolveAfterExecutions: null, failingAfterFailures: null, reminderMinutes: null, escalateAfterMinutes: null,
    });
    expect(validateKpi(k)).toEqual([]);
  });

  it('given alert policy overrides out of bounds or not whole, then each is reported; 0 minutes (never) is fine', () => {
    const k = kpiFromInput({ ...base, pendingExecutions: 0, resolveAfterExecutions: 1001, failingAfterFailures: 1.5, reminderMinutes: -1, escalateAfterMinutes: 0 }, now);
    expect(validateKpi(k).map((e) => e.path)).toEqual(['/pendingExecutions', '/resolveAfterExecutions', '/failingAfterFailures', '/reminderMinutes']);
    expect(validateKpi(k)[0]!.message).toBe('must be null (the global setting) or a whole number from 1 to 1000');
  });

  it('given a frequency, then lastMinutes defaults to it', () => {
    expect(kpiFromInput({ ...base, frequencyMinutes: 5 }, now).lastMinutes).toBe(5);
  });

  it('given a cron schedule, then lastMinutes defaults to the gap between two runs', () => {
    const k = kpiFromInput({ ...base, cron: '*/15 * * * *', timezone: 'Europe/Berlin' }, now);
    expect(k.frequencyMinutes).toBeNull();
    expect(k.lastMinutes).toBe(15);
    expect(validateKpi(k)).toEqual([]);
  });

  it('given every kind of mistake, then each is reported with its field', () => {
    const k = kpiFromInput({
      ...base, indicator: ' ', cron: 'not a cron', timezone: 'Mars/Olympus', minThreshold: 10, maxThreshold: 5,
      subjectTemplate: '{indicator} {oops}', descriptionTemplate: '{nope} and {nope2}',
    }, now);
    const paths = validateKpi(k).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/indicator', '/timezone', '/minThreshold', '/subjectTemplate', '/descriptionTemplate']));
    expect(validateKpi(k).find((e) => e.path === '/subjectTemplate')?.message).toContain('{oops}');
  });

  it('given ±Infinity or NaN in any number, then each is refused, so none reaches an event (JSON would store null)', () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      const k = kpiFromInput({ ...base, deviationPercent: bad, minThreshold: bad, maxThreshold: bad, cooldownMinutes: bad, lastMinutes: bad, baselineWeeks: bad, timeoutSeconds: bad }, now);
      const errors = validateKpi(k);
      for (const path of ['/deviationPercent', '/minThreshold', '/maxThreshold', '/cooldownMinutes', '/lastMinutes', '/baselineWeeks', '/timeoutSeconds']) {
        expect(errors.filter((e) => e.path === path).map((e) => e.message), `${path} = ${bad}`).toContain('must be a finite number');
      }
    }
    expect(validateKpi(kpiFromInput({ ...base, priority: NaN as 1 }, now)).map((e) => e.path)).toEqual(['/priority', '/priority']);
    expect(validateKpi(kpiFromInput({ ...base, cooldownMinutes: 2.5, deviationPercent: 12.5, maxThreshold: 1e300 }, now)).map((e) => e.path)).toEqual(['/cooldownMinutes']);
  });

  it('given a bad cron in a valid zone, then the cron is reported', () => {
    expect(validateKpi(kpiFromInput({ ...base, cron: '61 * * * *' }, now)).map((e) => e.path)).toContain('/cron');
  });

  it('given duplicate contacts, then they are kept once', () => {
    expect(kpiFromInput({ ...base, contactIds: ['con_a', 'con_a', 'con_b'] }, now).contactIds).toEqual(['con_a', 'con_b']);
  });
});

describe('the rules of a KPI', () => {
  it('given no rule at all (no band, no percentage, no threshold), then it is refused naming sensitivity', () => {
    const k = kpiFromInput({ ...base, sensitivity: null }, now);
    expect(validateKpi(k)).toEqual([{ path: '/sensitivity', message: expect.stringContaining('at least one rule') }]);
    expect(validateKpi(kpiFromInput({ ...base, sensitivity: null, minThreshold: 3 }, now))).toEqual([]);
  });

  it('given a sensitivity that does not exist or a non-finite percentage, then each is refused', () => {
    expect(validateKpi(kpiFromInput({ ...base, sensitivity: 'extreme' as never }, now)).map((e) => e.path)).toEqual(['/sensitivity']);
    expect(validateKpi(kpiFromInput({ ...base, deviationPercent: Number.POSITIVE_INFINITY }, now)).map((e) => e.path)).toEqual(['/deviationPercent']);
    expect(validateKpi(kpiFromInput({ ...base, deviationPercent: -1 }, now)).map((e) => e.path)).toEqual(['/deviationPercent']);
  });
});

describe('changing a KPI', () => {
  const current = kpiFromInput({ ...base, frequencyMinutes: 5 }, now);

  it('given a patch of one field, then only that field is in the diff, with old and new values', () => {
    const next = kpiFromInput({ deviationPercent: 25 }, now, current);
    expect(diffKpi(current, next)).toEqual({ deviationPercent: { from: null, to: 25 } });
  });

  it('given a switch to cron, then the frequency is cleared and lastMinutes follows the new schedule', () => {
    const next = kpiFromInput({ cron: '0 * * * *' }, now, current);
    expect(next.frequencyMinutes).toBeNull();
    expect(next.lastMinutes).toBe(60);
    expect(Object.keys(diffKpi(current, next)).sort()).toEqual(['cron', 'frequencyMinutes', 'lastMinutes']);
  });

  it('given the same values, then there is no change', () => {
    expect(diffKpi(current, kpiFromInput({ owner: 'payments' }, now, current))).toEqual({});
  });
});

describe('schedules', () => {
  it('interval slots are aligned to the clock, not to the last run', () => {
    expect(nextSlot({ kind: 'interval', frequencyMinutes: 5 }, now).toISOString()).toBe('2026-03-02T09:05:00.000Z');
    expect(nextSlot({ kind: 'interval', frequencyMinutes: 5 }, new Date('2026-03-02T09:05:00Z')).toISOString()).toBe('2026-03-02T09:10:00.000Z');
  });

  it('cron slots follow the time zone across a DST change', () => {
    // Europe/Berlin moves from UTC+1 to UTC+2 on 2026-03-29 at 02:00 local.
    const s = { kind: 'cron', cron: '0 8 * * *', timezone: 'Europe/Berlin' } as const;
    expect(nextSlot(s, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T06:00:00.000Z');
    expect(nextSlot(s, new Date('2026-03-27T12:00:00Z')).toISOString()).toBe('2026-03-28T07:00:00.000Z');
  });

  it('refuses a seconds field: a KPI runs at most once a minute; five fields and nicknames are fine', () => {
    for (const cron of ['* * * * * *', '0 * * * * *', '0 0 12 * * * 2030']) {
      const errors = validateKpi(kpiFromInput({ ...base, cron }, now));
      expect(errors.find((e) => e.path === '/cron')?.message, cron).toMatch(/fields; give five .* at most once a minute, so there is no seconds field/);
    }
    for (const cron of ['* * * * *', '*/5 * * * *', '@hourly']) expect(validateKpi(kpiFromInput({ ...base, cron }, now)), cron).toEqual([]);
  });

  it('a seconds field stored before it was refused still runs once a minute, at most', () => {
    const legacy = { kind: 'cron', cron: '* * * * * *', timezone: 'UTC' } as const;
    expect(nextSlot(legacy, new Date('2026-03-02T09:00:00Z')).toISOString()).toBe('2026-03-02T09:01:00.000Z');
    expect(nextSlot(legacy, new Date('2026-03-02T09:01:00Z')).toISOString()).toBe('2026-03-02T09:02:00.000Z');
    const everyMinute = { kind: 'cron', cron: '* * * * *', timezone: 'UTC' } as const;
    expect(nextSlot(everyMinute, new Date('2026-03-02T09:00:20Z')).toISOString()).toBe('2026-03-02T09:01:00.000Z');
    expect(nextSlot(everyMinute, new Date('2026-03-02T09:00:59.999Z')).toISOString()).toBe('2026-03-02T09:01:00.000Z');
    expect(nextSlot(everyMinute, new Date('2026-03-02T09:01:00Z')).toISOString()).toBe('2026-03-02T09:02:00.000Z');
  });

  it('the period of a cron schedule is the gap between two slots', () => {
    expect(periodMinutes({ kind: 'cron', cron: '0 */6 * * *', timezone: 'UTC' }, now)).toBe(360);
  });
});

describe('templates', () => {
  it('names unknown placeholders once each and accepts the documented ones', () => {
    expect(unknownPlaceholders('{indicator} {current} {baseline} {historical} {bad} {bad} {}')).toEqual(['bad', '']);
  });
});
