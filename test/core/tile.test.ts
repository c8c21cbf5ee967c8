import { describe, expect, it } from 'vitest';
import { decideTile, type RecentPoint, type TileInput } from '../../src/core/kpis/tile.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 2, 10, minute));
const point = (minute: number, o: Partial<RecentPoint> = {}): RecentPoint => ({
  key: null, runId: `run_${minute}`, at: at(minute), status: 'success', value: minute, baseline: 10, deviationPercent: 0, outcome: 'ok', ...o,
});
const input = (o: Partial<TileInput> = {}): TileInput => ({
  active: true, lastRunAt: at(3), lastStatus: 'success', openAlerts: 0, recent: [point(3), point(2), point(1)], ...o,
});

describe('a KPI tile', () => {
  it('given recent successful runs, then it is ok with the values oldest first', () => {
    const tile = decideTile(input());
    expect(tile.status).toBe('ok');
    expect(tile.headline?.value).toBe(3);
    expect(tile.sparkline.map((p) => p.value)).toEqual([1, 2, 3]);
  });

  it('given no run yet, then it has no history', () => {
    expect(decideTile(input({ lastRunAt: null, lastStatus: null, recent: [] }))).toEqual({ status: 'no_history', headline: null, sparkline: [] });
  });

  it('given an inactive KPI with an open alert, then it is inactive', () => {
    expect(decideTile(input({ active: false, openAlerts: 1 })).status).toBe('inactive');
  });

  it('given an open alert, then it is alerting even when the last run failed', () => {
    expect(decideTile(input({ openAlerts: 2, lastStatus: 'timeout' })).status).toBe('alerting');
  });

  it('given a failed last run, then it is failing, and failed rows stay out of the sparkline', () => {
    const tile = decideTile(input({ lastStatus: 'failed', recent: [point(4, { status: 'failed', value: null, outcome: null }), point(3), point(2)] }));
    expect(tile.status).toBe('failing');
    expect(tile.sparkline.map((p) => p.value)).toEqual([2, 3]);
  });

  it('given a multi-series run with one breach, then the breaching series is the headline and its own history the sparkline', () => {
    const recent = [
      point(5, { key: 'eu', runId: 'run_5', value: 100 }), point(5, { key: 'us', runId: 'run_5', value: 7, outcome: 'breach' }),
      point(4, { key: 'eu', runId: 'run_4', value: 99 }), point(4, { key: 'us', runId: 'run_4', value: 20 }),
    ];
    const tile = decideTile(input({ recent }));
    expect(tile.status).toBe('breaching');
    expect(tile.headline?.key).toBe('us');
    expect(tile.sparkline.map((p) => p.value)).toEqual([20, 7]);
  });

  it('given a multi-series run without a breach, then the query\'s first series is the headline; given its own history, the sparkline uses it', () => {
    // Newest first: within one run the query's first row was stored first, so it comes last.
    const recent = [point(5, { key: 'us', runId: 'run_5', value: 7 }), point(5, { key: 'eu', runId: 'run_5', value: 100 })];
    const history = [{ at: at(5), value: 100 }, { at: at(4), value: 90 }, { at: at(3), value: 80 }];
    const tile = decideTile(input({ recent }), 30, history);
    expect(tile.headline?.key).toBe('eu');
    expect(tile.sparkline.map((p) => p.value)).toEqual([80, 90, 100]);
  });

  it('given more points than asked for, then the sparkline keeps the newest', () => {
    const recent = Array.from({ length: 10 }, (_, i) => point(59 - i));
    expect(decideTile(input({ recent }), 4).sparkline.map((p) => p.value)).toEqual([56, 57, 58, 59]);
  });
});
