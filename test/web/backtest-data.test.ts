import { describe, expect, it } from 'vitest';
import type { BacktestPoint } from '../../web/src/api/types.ts';
import { backtestColumns, edgeNotes, seriesOf, windowsText, wouldHave } from '../../web/src/components/backtest-data.ts';

const point = (at: string, over: Partial<BacktestPoint> = {}): BacktestPoint => ({
  at, series: null, value: 10, baseline: 10, bandLow: 5, bandHigh: 15, outcome: 'ok', reason: null, origin: 'history', alertId: null, ...over,
});

describe('the backtest view helpers', () => {
  it('given points of two series with gaps, then one series\' columns without the windows that had no value', () => {
    const points = [point('2026-12-01T10:00:00Z', { series: 'DE' }), point('2026-12-01T10:00:00Z', { series: 'FR', value: 3 }),
      point('2026-12-01T10:05:00Z', { series: 'DE', value: null, outcome: 'failed', origin: 'none' }), point('2026-12-01T10:10:00Z', { series: 'DE', bandHigh: null })];
    expect(seriesOf(points)).toEqual(['DE', 'FR']);
    expect(backtestColumns(points, 'DE')).toEqual([[Date.parse('2026-12-01T10:00:00Z') / 1000, Date.parse('2026-12-01T10:10:00Z') / 1000], [10, 10], [10, 10], [5, 5], [15, null]]);
  });

  it('says what the rule would have done, in words, with one and many', () => {
    const counts = (alerts: number, messages: number) => ({ counts: { alerts, messages, alertsPerWeek: 0, messagesPerWeek: 0, byRecipient: [] } });
    expect(wouldHave(counts(3, 9), 14)).toBe('would have opened 3 alerts and sent 9 messages in the last 14 days');
    expect(wouldHave(counts(1, 1), 1)).toBe('would have opened 1 alert and sent 1 message in the last 1 day');
  });

  it('names the windows that were not judged, and where the others came from', () => {
    const notes = edgeNotes([
      { kind: 'history', from: '2026-12-01T00:00:00Z', to: '2026-12-01T01:00:00Z', windows: 13 },
      { kind: 'none', from: '2026-12-01T01:05:00Z', to: '2026-12-01T01:10:00Z', windows: 2 },
      { kind: 'insufficient_history', from: '2026-12-01T01:15:00Z', to: '2026-12-01T01:15:00Z', windows: 1 },
    ]);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/no data .* \(2 windows\)$/);
    expect(notes[1]).toMatch(/too little history to judge \(1 window\)$/);
    expect(windowsText({ id: 'b', kpiId: null, status: 'done', progress: { done: 1, total: 1 }, startedAt: '2026-12-01T00:00:00Z', finishedAt: '2026-12-01T00:00:01Z', error: null, location: '', sourceQueries: 1,
      windows: { total: 16, history: 13, source: 1, none: 2, notRun: 0, failed: 0 } })).toBe('16 windows: 13 from the history, 1 run on the source, 2 without data (1 source query)');
  });
});
