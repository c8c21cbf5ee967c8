import { describe, expect, it } from 'vitest';
import { runOutcome } from '../../src/core/executions/execution-span.ts';
import type { SeriesOutcome, SeriesResult } from '../../src/core/executions/outcome.ts';

const series = (outcome: SeriesOutcome): SeriesResult => ({
  key: null, value: 1, baseline: null, baselineSource: null, baselineWindows: 0, deviationPercent: null, outcome, seasonal: null, band: null, basis: null, anomalous: false, incident: null,
});
const ok = series({ kind: 'ok' });
const breach = series({ kind: 'breach', reasons: [{ rule: 'min_threshold', limit: 5, value: 1 }] });
const unjudged = series({ kind: 'no_judgement', reason: 'insufficient_history' });

describe('runOutcome: the status label of kpi_executions_total and of the kpi.execute span', () => {
  it('given a run that did not succeed, then its status, whatever its series', () => {
    expect(runOutcome({ status: 'failed', series: [] })).toBe('failed');
    expect(runOutcome({ status: 'timeout', series: [] })).toBe('timeout');
    expect(runOutcome({ status: 'stuck', series: [] })).toBe('stuck');
  });

  it('given a successful run, then a breach in any series wins, else one judged ok series, else no_judgement', () => {
    expect(runOutcome({ status: 'success', series: [ok, breach, unjudged] })).toBe('breach');
    expect(runOutcome({ status: 'success', series: [unjudged, ok] })).toBe('ok');
    expect(runOutcome({ status: 'success', series: [unjudged] })).toBe('no_judgement');
  });
});
