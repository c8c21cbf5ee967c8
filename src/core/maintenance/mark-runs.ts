import type { ExecutionRecordedListener } from '../executions/ports.ts';
import { seriesKey } from '../executions/transitions.ts';
import { windowMatches, windowOccurrence } from './window.ts';

/**
 * The listener that marks a run inside a maintenance window (at its slot), in the recording transaction:
 * its history rows carry the window's id, and the store's series history (what future baselines stand
 * on) skips them. Alerts it opens are held by the window as by a silence (core/alerts/silencing.ts).
 */
export const markMaintenanceRuns: ExecutionRecordedListener = async (tx, recorded) => {
  const { kpi, result } = recorded;
  if (result.trigger === 'backfill') return;
  const windows = (await tx.maintenanceWindows.listActive()).filter((w) => windowOccurrence(w, result.slot) !== null);
  if (windows.length === 0) return;
  const keys = result.series.length === 0 ? [''] : result.series.map((s) => seriesKey(s.key));
  const marked = new Set<string>();
  for (const w of windows) {
    const covered = keys.filter((key) => !marked.has(key) && windowMatches(w, { kpiId: kpi.id, owner: kpi.owner, key, priority: kpi.priority }));
    if (covered.length === 0) continue;
    await tx.maintenanceWindows.markRun(result.runId, covered, w.id);
    for (const k of covered) marked.add(k);
  }
};
