import { describe, expect, it } from 'vitest';
import { occurrenceAt, rruleToCron } from '../../src/core/maintenance/recurrence.ts';
import { windowFromInput, windowsAsSilences, type MaintenanceWindow } from '../../src/core/maintenance/window.ts';
import { globMatches, silenceFor } from '../../src/core/silences/silence.ts';

describe('maintenance recurrence', () => {
  const sunday = { rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0' };
  const at = (iso: string) => occurrenceAt(sunday, 'Europe/Berlin', 120, new Date(iso));

  it('given "every Sunday 02:00-04:00 Europe/Berlin", then it covers 01:00-03:00 UTC in winter and 00:00-02:00 UTC in summer', () => {
    expect(rruleToCron(sunday.rrule)).toEqual({ cron: '0 2 * * 0', until: null });
    expect(at('2026-03-01T00:59:59Z')).toBeNull();
    expect(at('2026-03-01T01:00:00Z')).toEqual({ start: new Date('2026-03-01T01:00:00Z'), end: new Date('2026-03-01T03:00:00Z') });
    expect(at('2026-03-01T03:00:00Z')).toBeNull();
    expect(at('2026-04-05T00:30:00Z')).toEqual({ start: new Date('2026-04-05T00:00:00Z'), end: new Date('2026-04-05T02:00:00Z') });
    expect(at('2026-04-06T00:30:00Z')).toBeNull(); // a Monday
  });

  it('given UNTIL, then no occurrence starts after it', () => {
    const until = { rrule: 'RRULE:FREQ=DAILY;BYHOUR=2;UNTIL=20260305T000000Z' };
    expect(occurrenceAt(until, 'UTC', 60, new Date('2026-03-04T02:30:00Z'))).not.toBeNull();
    expect(occurrenceAt(until, 'UTC', 60, new Date('2026-03-05T02:30:00Z'))).toBeNull();
  });

  it('refuses what cron cannot say, saying why', () => {
    expect(rruleToCron('FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;COUNT=3')).toEqual({ problem: 'COUNT is not supported (use a cron expression)' });
    expect(rruleToCron('FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=2')).toMatchObject({ problem: expect.stringContaining('INTERVAL') });
    expect(rruleToCron('FREQ=MONTHLY;BYDAY=1SU;BYHOUR=2')).toMatchObject({ problem: expect.stringContaining('no ordinals') });
    expect(rruleToCron('FREQ=WEEKLY;BYHOUR=2')).toEqual({ problem: 'FREQ=WEEKLY needs BYDAY' });
    expect(rruleToCron('FREQ=HOURLY')).toMatchObject({ problem: expect.stringContaining('FREQ') });
  });

  it('a window in force holds alerts of its scope as a silence until the occurrence ends', () => {
    const fields = windowFromInput({ name: 'Sunday', owner: 'payments', rrule: sunday.rrule, durationMinutes: 120, timezone: 'Europe/Berlin' }, 'usr_1');
    if (Array.isArray(fields)) throw new Error('invalid');
    const w: MaintenanceWindow = { ...fields, id: 'mnt_1', version: 1, createdAt: new Date(0), updatedAt: new Date(0) };
    const now = new Date('2026-03-01T02:00:00Z');
    const held = silenceFor(windowsAsSilences([w], now), { kpiId: 'kpi_1', owner: 'Payments', key: 'DE', priority: 2, severity: 'critical' }, now);
    expect(held).toMatchObject({ id: 'mnt_1', endsAt: '2026-03-01T03:00:00.000Z' });
    expect(silenceFor(windowsAsSilences([w], now), { kpiId: 'kpi_1', owner: 'risk', key: 'DE', priority: 2, severity: 'critical' }, now)).toBeNull();
    expect(windowsAsSilences([w], new Date('2026-03-01T03:00:00Z'))).toEqual([]);
  });
});

describe('key patterns', () => {
  it('* is any run of characters, ? one, the rest literal (a dot or a bracket is no regex)', () => {
    expect(globMatches('DE*', 'DE-north')).toBe(true);
    expect(globMatches('D?', 'DE')).toBe(true);
    expect(globMatches('D?', 'DEU')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('[x]', '[x]')).toBe(true);
  });
});
