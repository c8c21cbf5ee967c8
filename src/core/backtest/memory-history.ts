import { NEW_MODEL, type SeriesModel } from '../detection/model.ts';
import { referencesFound, servesAsLevel, servesAsSeason, type PastPoint, type ReferencePlan } from '../detection/references.ts';
import type { SeriesHistory, SeriesPast } from '../executions/judge-series.ts';

/**
 * The execution history of one series in memory, answering the same questions as the store
 * (executions.repo.ts seriesHistory): the latest level points, and the point nearest each seasonal
 * target within the tolerance (a tie goes to the later run, as the store's `id DESC`). Like the store,
 * a series with neither a model nor any reference for the plan has no past (null); one with references
 * but no model yet (only backfilled points) has the new model.
 */
export class MemorySeriesHistory implements SeriesHistory {
  private readonly points: PastPoint[] = [];
  private readonly times: number[] = [];
  private model: SeriesModel | null = null;

  constructor(private readonly key = '') {}

  /**
   * Records a run's point (and the model it left, or null for a backfilled point, which teaches no
   * model). Points usually come in time order; an earlier one (a backfilled past window) is inserted
   * in its place, after the points of the same time, as the store orders it by id.
   */
  append(point: PastPoint, model: SeriesModel | null): void {
    const t = point.at.getTime();
    const last = this.times[this.times.length - 1];
    if (last === undefined || t >= last) {
      this.points.push(point);
      this.times.push(t);
    } else {
      const i = this.before(t + 1);
      this.points.splice(i, 0, point);
      this.times.splice(i, 0, t);
    }
    if (model !== null) this.model = model;
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
    const found = this.seasonal(plan, end);
    if (this.model === null && recent.length === 0 && found.every((p) => p === null)) return null;
    return { model: this.model ?? NEW_MODEL, refs: referencesFound(plan, recent, found) };
  }

  /**
   * The nearest eligible point to each of seasonTargets(plan), in its order. The neighbours of a
   * weekly target ascend, so one search finds the first and the rest walk on from there (the
   * backtest looks up dozens of them a run).
   */
  private seasonal(plan: ReferencePlan, end: number): (PastPoint | null)[] {
    const tolerance = plan.toleranceMs;
    const found = [...plan.daily, ...plan.weekly].map((d) => this.nearest(d.getTime(), tolerance, end));
    if (plan.around.length === 0) return found;
    for (const w of plan.weekly) {
      let i = Math.min(this.before(w.getTime() + plan.around[0]! - tolerance), end);
      for (const offset of plan.around) {
        const target = w.getTime() + offset;
        while (i < end && this.times[i]! < target - tolerance) i++;
        found.push(this.nearestFrom(i, target, tolerance, end));
      }
    }
    return found;
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
    return this.nearestFrom(Math.min(this.before(target - tolerance), end), target, tolerance, end);
  }

  /** The nearest eligible point to `target` within the tolerance, from index `from` (a tie: the later). */
  private nearestFrom(from: number, target: number, tolerance: number, end: number): PastPoint | null {
    let best: PastPoint | null = null;
    let bestDistance = Infinity;
    for (let i = from; i < end && this.times[i]! <= target + tolerance; i++) {
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

/** The history of every series of one KPI in memory (the backtest of a KPI): one MemorySeriesHistory per key. */
export class MemoryKpiHistory implements SeriesHistory {
  private readonly series = new Map<string, MemorySeriesHistory>();

  append(key: string, point: PastPoint, model: SeriesModel | null): void {
    let h = this.series.get(key);
    if (h === undefined) {
      h = new MemorySeriesHistory(key);
      this.series.set(key, h);
    }
    h.append(point, model);
  }

  async load(_kpiId: string, keys: readonly string[], plan: ReferencePlan): Promise<ReadonlyMap<string, SeriesPast>> {
    const out = new Map<string, SeriesPast>();
    for (const key of new Set(keys)) {
      const past = this.series.get(key)?.find(plan) ?? null;
      if (past !== null) out.set(key, past);
    }
    return out;
  }
}
