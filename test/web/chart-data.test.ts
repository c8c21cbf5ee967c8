import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../web/src/api/types.ts';
import { chartData, spans } from '../../web/src/components/chart-data.ts';

const run = (startedAt: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord => ({
  id: startedAt, runId: startedAt, kpiId: 'kpi_1', key: null, trigger: 'schedule', slot: startedAt, windowStart: startedAt, windowEnd: startedAt,
  startedAt, finishedAt: startedAt, durationMs: 5, status: 'success', rowsReturned: 1, nodeId: 'node_1', traceId: null,
  value: 20, baseline: 20, baselineSource: 'history', baselineWindows: 4, deviationPercent: 0, outcome: 'ok', reasons: null,
  noJudgementReason: null, band: { low: 10, high: 30 }, basis: null, anomalous: false, error: null, ...over,
});

describe('the KPI chart columns', () => {
  it('given runs in any order, then oldest first with the band each recorded; failed runs left out; unbounded or unjudged sides null', () => {
    const rows = [
      run('2026-12-01T10:02:00Z', { band: { low: 15, high: null } }),
      run('2026-12-01T10:00:00Z'),
      run('2026-12-01T10:01:00Z', { status: 'failed', value: null }),
      run('2026-12-01T10:03:00Z', { band: null, baseline: null }),
    ];
    const [t, value, baseline, low, high] = chartData(rows);
    expect(t).toEqual([Date.parse('2026-12-01T10:00:00Z') / 1000, Date.parse('2026-12-01T10:02:00Z') / 1000, Date.parse('2026-12-01T10:03:00Z') / 1000]);
    expect(value).toEqual([20, 20, 20]);
    expect(baseline).toEqual([20, 20, null]);
    expect(low).toEqual([10, 15, null]);
    expect(high).toEqual([30, null, null]);
  });
});

describe('the stretches drawn as one piece', () => {
  it('given gaps, then each stretch of consecutive present indices, a lone one as [i, i]', () => {
    const present = [true, true, false, true, false, false, true, true, true];
    expect(spans(present.length, (i) => present[i]!)).toEqual([[0, 1], [3, 3], [6, 8]]);
    expect(spans(3, () => false)).toEqual([]);
  });
});
