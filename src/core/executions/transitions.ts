import type { DomainEvent } from '../events.ts';
import type { ExecutionResult, ExecutionStatus } from './outcome.ts';

/** What the KPI stream last said about a KPI's runs: decides which runs are significant. */
export interface RunState {
  /** Status of the last recorded run; null before the first. */
  readonly lastStatus: ExecutionStatus | null;
  /** Series keys inside an incident ('' = the single series of a keyless KPI). */
  readonly breachingKeys: readonly string[];
}

/** A series key as stored ('' = the single series of a keyless KPI) and as shown (null). */
export const seriesKey = (key: string | null): string => key ?? '';
export const seriesKeyOut = (key: string): string | null => (key === '' ? null : key);

/**
 * The significant changes a run brings, as KPI-stream events, and the new state. Not every run is an
 * event (history is a table): only the first failure after success, the recovery, a series starting to
 * breach and a series back to normal. A `no_judgement` series keeps its state; a failed run keeps the
 * breach state of every series (nothing was judged).
 */
export function decideRunEvents(state: RunState, run: ExecutionResult): { events: DomainEvent[]; next: RunState } {
  const id = run.kpiId;
  const events: DomainEvent[] = [];
  const failed = run.status !== 'success';
  if (failed && (state.lastStatus === 'success' || state.lastStatus === null)) {
    events.push({ type: 'KpiExecutionFailed', data: { id, runId: run.runId, status: run.status, error: run.error ?? run.status, at: run.finishedAt.toISOString() } });
  }
  if (!failed && state.lastStatus !== null && state.lastStatus !== 'success') {
    events.push({ type: 'KpiExecutionRecovered', data: { id, runId: run.runId, at: run.finishedAt.toISOString() } });
  }
  const breaching = new Set(state.breachingKeys);
  if (!failed) {
    for (const s of run.series) {
      const key = seriesKey(s.key);
      if (s.value === null) continue;
      // Breach began / back to normal follow the series' incidents, not every breaching run: a noisy
      // series inside one incident is one pair of events, as it is one alert.
      if (s.incident === 'opened' && s.outcome.kind === 'breach' && !breaching.has(key)) {
        breaching.add(key);
        events.push({
          type: 'KpiBreachBegan',
          data: { id, runId: run.runId, key: s.key, value: s.value, baseline: s.baseline, deviationPercent: s.deviationPercent, band: s.band, reasons: s.outcome.reasons, at: run.finishedAt.toISOString() },
        });
      } else if (s.incident === 'ended' && breaching.has(key)) {
        breaching.delete(key);
        events.push({ type: 'KpiBackToNormal', data: { id, runId: run.runId, key: s.key, value: s.value, baseline: s.baseline, at: run.finishedAt.toISOString() } });
      }
    }
  }
  return { events, next: { lastStatus: run.status, breachingKeys: [...breaching].sort() } };
}
