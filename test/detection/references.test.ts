import { describe, expect, it } from 'vitest';
import { neighbourOffsets, predict, referencePlan, referencesFound, seasonTargets, servesAsLevel, servesAsSeason, type PastPoint } from '../../src/core/detection/references.ts';

const at = (iso: string) => new Date(iso);
const point = (iso: string, value: number, o: Partial<PastPoint> = {}): PastPoint => ({ at: at(iso), value, seasonal: null, anomalous: false, ...o });

describe('the reference plan', () => {
  it('looks at the same local time on past days and weeks, across a DST change', () => {
    // Berlin switches to summer time on 2026-03-29: 09:00 local is 07:00Z after, 08:00Z before.
    const plan = referencePlan(at('2026-04-06T07:00:00Z'), 5, 2, 'Europe/Berlin');
    expect(plan.weekly.map((d) => d.toISOString())).toEqual(['2026-03-30T07:00:00.000Z', '2026-03-23T08:00:00.000Z']);
    expect(plan.daily).toHaveLength(6);
    expect(plan.daily[0]!.toISOString()).toBe('2026-04-05T07:00:00.000Z');
  });

  it('takes the last hour of runs as the level (3 to 12 runs), and half a period as the tolerance (1 to 30 minutes)', () => {
    const slot = at('2026-03-02T09:00:00Z');
    expect(referencePlan(slot, 5, 4, 'UTC')).toMatchObject({ recentLimit: 12, toleranceMs: 150_000, recentSince: at('2026-03-02T06:00:00Z') });
    expect(referencePlan(slot, 60, 4, 'UTC')).toMatchObject({ recentLimit: 3, toleranceMs: 1_800_000, recentSince: at('2026-03-02T00:00:00Z') });
    expect(referencePlan(slot, 1, 4, 'UTC').toleranceMs).toBe(60_000);
  });
});

describe('the baseline', () => {
  it('given two or more past weeks, then their median, moved by the current level', () => {
    const p = predict({
      weekly: [point('2026-02-23T09:00:00Z', 100), point('2026-02-16T09:00:00Z', 110), point('2026-02-09T09:00:00Z', 400)],
      daily: [point('2026-03-01T09:00:00Z', 10)],
      recent: [point('2026-03-02T08:55:00Z', 115, { seasonal: 105 }), point('2026-03-02T08:50:00Z', 113, { seasonal: 105 })],
    }, 'median');
    expect(p).toMatchObject({ seasonality: 'weekly', seasonal: 110, baseline: 110 + 9, levelPoints: 2 });
    expect(p.seasonalPoints).toHaveLength(3);
  });

  it('given fewer level runs than a full hour, then the level counts for their share; runs judged on daily seasons are moved to the weekly one', () => {
    const refs = {
      weekly: [point('2026-02-23T09:00:00Z', 100), point('2026-02-16T09:00:00Z', 100)],
      daily: [point('2026-03-01T09:00:00Z', 60)],
      recent: [point('2026-03-02T08:59:00Z', 70, { seasonal: 100 }), point('2026-03-02T08:58:00Z', 70, { seasonal: 100 })],
    };
    // Two runs of a one-minute KPI (a full level is 60): a 30-point drop moves the baseline by 1.
    expect(predict(refs, 'median', { weeklyFrom: 0, regimeSince: null, fullLevel: 60 }).baseline).toBeCloseTo(99, 6);
    expect(predict(refs, 'median', { weeklyFrom: 0, regimeSince: null, fullLevel: 2 }).baseline).toBe(70);
    // Judged on the daily season (60) before the weekly one (100) took over: 70 was +10 against the daily
    // season, which lies 40 under the weekly one now, so it is −30 against the weekly season (not +10).
    const daily = { ...refs, recent: refs.recent.map((p) => ({ ...p, seasonal: 60 })) };
    expect(predict(daily, 'median', { weeklyFrom: null, regimeSince: null, fullLevel: 2 }).baseline).toBe(70);
    expect(predict(daily, 'median', { weeklyFrom: 0, regimeSince: null, fullLevel: 2 }).baseline).toBe(110);
  });

  it('after a lasting change, the seasonal references of the old regime are left out while newer ones exist', () => {
    const refs = { weekly: [], daily: [point('2026-03-01T09:00:00Z', 200), point('2026-02-28T09:00:00Z', 100), point('2026-02-27T09:00:00Z', 100)], recent: [] };
    expect(predict(refs, 'median').baseline).toBe(100);
    expect(predict(refs, 'median', { weeklyFrom: null, regimeSince: Date.parse('2026-02-28T12:00:00Z'), fullLevel: 1 }).baseline).toBe(200);
  });

  it('given fewer than two weeks, then the same time of past days; given neither, then the level alone', () => {
    expect(predict({ weekly: [point('2026-02-23T09:00:00Z', 100)], daily: [point('2026-03-01T09:00:00Z', 50), null, point('2026-02-27T09:00:00Z', 70)], recent: [] }, 'median'))
      .toMatchObject({ seasonality: 'daily', baseline: 60 });
    expect(predict({ weekly: [], daily: [], recent: [point('2026-03-02T08:55:00Z', 7), point('2026-03-02T08:50:00Z', 9), point('2026-03-02T08:45:00Z', 30)] }, 'median'))
      .toMatchObject({ seasonality: 'none', seasonal: null, baseline: 9, levelPoints: 3 });
    expect(predict({ weekly: [], daily: [], recent: [] }, 'median').baseline).toBeNull();
  });

  it('past anomalies stay out: a breach against a season serves neither as season nor as level; one judged on the level alone still teaches the season', () => {
    const againstSeason = point('2026-02-23T09:00:00Z', 900, { anomalous: true, seasonal: 100 });
    const firstDays = point('2026-02-23T09:00:00Z', 900, { anomalous: true, seasonal: null });
    expect([servesAsSeason(againstSeason), servesAsLevel(againstSeason)]).toEqual([false, false]);
    expect([servesAsSeason(firstDays), servesAsLevel(firstDays)]).toEqual([true, false]);
    const p = predict({ weekly: [againstSeason, point('2026-02-16T09:00:00Z', 100), point('2026-02-09T09:00:00Z', 104)], daily: [], recent: [] }, 'mean');
    expect(p).toMatchObject({ seasonality: 'weekly', baseline: 102 });
  });

  it('given the runs around the same time of each past week, then each week is their mean, and the weeks are combined by the aggregate', () => {
    // A 5-minute window run every minute: one neighbour per window, half an hour either side.
    expect(neighbourOffsets(1, 5).map((o) => o / 60_000)).toEqual([-30, -25, -20, -15, -10, -5, 5, 10, 15, 20, 25, 30]);
    expect(neighbourOffsets(30, 30).map((o) => o / 60_000)).toEqual([-30, 30]);
    expect(neighbourOffsets(60, 60)).toEqual([]);
    // A 1-minute window run every minute: at most six neighbours each side, evenly spaced (the store reads each).
    expect(neighbourOffsets(1, 1).map((o) => o / 60_000)).toEqual([-30, -25, -20, -15, -10, -5, 5, 10, 15, 20, 25, 30]);
    const plan = referencePlan(at('2026-03-02T09:00:00Z'), 15, 3, 'UTC');
    const targets = seasonTargets(plan);
    // Six days and three weeks, then the four neighbours (-30, -15, +15, +30 min) of each week.
    expect(targets).toHaveLength(6 + 3 + 3 * 4);
    expect(targets.slice(9, 13).map((d) => d.toISOString())).toEqual(['2026-02-23T08:30:00.000Z', '2026-02-23T08:45:00.000Z', '2026-02-23T09:15:00.000Z', '2026-02-23T09:30:00.000Z']);
    const found = targets.map((d, i): PastPoint | null => {
      if (i < 6) return null;
      const week = i < 9 ? i - 6 : Math.floor((i - 9) / 4);
      // Week 0 is noisy around a level of 100, week 1 lies at 110, week 2 had an outage next to the target (an anomaly: left out).
      if (week === 2 && i === 9 + 2 * 4) return point(d.toISOString(), 5, { anomalous: true, seasonal: 110 });
      return point(d.toISOString(), week === 0 ? [100, 90, 110, 96, 104][(i - 6) % 5]! : week === 1 ? 110 : 120);
    });
    const refs = referencesFound(plan, [], found);
    expect(refs.weeklyAround?.map((ps) => ps.length)).toEqual([4, 4, 4]);
    const p = predict(refs, 'median');
    expect(p.seasonality).toBe('weekly');
    expect(p.seasonalPoints.map((d) => d.toISOString())).toEqual(plan.weekly.map((d) => d.toISOString()));
    // Weeks: mean(100, 96, 104, 100, 90) = 98, 110, 120 (the anomaly left out): their median.
    expect(p.seasonal).toBe(110);
    expect(predict(refs, 'mean').seasonal).toBeCloseTo((98 + 110 + 120) / 3, 6);
  });

  it('given no run of its own at the target, then a week does not count, whatever runs lie around it', () => {
    const plan = referencePlan(at('2026-03-02T09:00:00Z'), 15, 2, 'UTC');
    const found = seasonTargets(plan).map((d, i): PastPoint | null => (i === 6 ? null : point(d.toISOString(), 100)));
    expect(predict(referencesFound(plan, [], found), 'median').seasonality).toBe('daily');
  });
});

