import type { SeriesModel } from '../detection/model.ts';
import { servesAsLevel, servesAsSeason, type PastPoint, type ReferencePlan } from '../detection/references.ts';
import type { SeriesHistory, SeriesPast } from '../executions/judge-series.ts';

/**
 * The execution history of one series in memory, answering the same questions as the store
 * (executions.repo.ts seriesHistory): the latest level points, and the point nearest each seasonal
 * target within the tolerance (a tie goes to the later run, as the store's `id DESC`).
 */
export class MemorySeriesHistory implements SeriesHistory {
  private readonly points: PastPoint[] = [];
  private readonly times: number[] = [];
  private model: SeriesModel | null = null;

  constructor(private readonly key = '') {}

  append(point: PastPoint, model: SeriesModel): void {
    this.points.push(point);
    this.times.push(point.at.getTime());
    this.model = model;
  }

  async load(_kpiId: string, keys: readonly string[], plan: ReferencePlan): Promise<ReadonlyMap<string, SeriesPast>> {
    const out = new Map<string, SeriesPast>();
    const past = this.find(plan);
    if (past !== null && keys.includes(this.key)) out.set(this.key, past);
    return out;
  }

  /** The same answer, synchronously (the backtest loop). */
  find(plan: ReferencePlan): SeriesPast | null {
    if (this.model === null && this.points.length === 0) return null;
    const end = this.before(plan.slot.getTime());
    const recent: PastPoint[] = [];
    const since = plan.recentSince.getTime();
    for (let i = end - 1; i >= 0 && recent.length < plan.recentLimit && this.times[i]! >= since; i--) {
      if (servesAsLevel(this.points[i]!)) recent.push(this.points[i]!);
    }
    const near = (target: Date) => this.nearest(target.getTime(), plan.toleranceMs, end);
    return { model: this.model!, refs: { recent, daily: plan.daily.map(near), weekly: plan.weekly.map(near) } };
  }

  /** Index of the first point at or after `t`. */
  private before(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private nearest(target: number, tolerance: number, end: number): PastPoint | null {
    let best: PastPoint | null = null;
    let bestDistance = Infinity;
    for (let i = Math.min(this.before(target - tolerance), end); i < end && this.times[i]! <= target + tolerance; i++) {
      const p = this.points[i]!;
      const d = Math.abs(this.times[i]! - target);
      if (servesAsSeason(p) && d <= bestDistance) {
        best = p;
        bestDistance = d;
      }
    }
    return best;
  }
}
