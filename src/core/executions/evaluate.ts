import type { AlertPolicy } from '../alerts/judgement.ts';
import type { DataSource } from '../datasources/datasource.ts';
import type { PastPoint, ReferencePlan } from '../detection/references.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { Clock, IdGenerator, UnitOfWork } from '../ports.ts';
import { noopTracer, type Tracer } from '../tracer.ts';
import { DB_SYSTEM } from './execution-span.ts';
import { judgeLoaded, planFor, type SeriesPast } from './judge-series.ts';
import type { ExecutionResult, ExecutionTrigger, ExecutionWindow, SeriesResult } from './outcome.ts';
import type { BackfillRun, SourceRunner } from './ports.ts';
import { warmModel, type SeriesModel } from '../detection/model.ts';
import { predict } from '../detection/references.ts';
import { usesWindow } from './query-params.ts';
import { limitSeries, normaliseRows, type RawSeries } from './result-shape.ts';
import { nonFinitePath } from '../shared/validation.ts';
import { seriesKey } from './transitions.ts';

export interface EvaluateDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly sources: SourceRunner;
  readonly nodeId: string;
  /** The global alert policy (N, M … ); a KPI overrides it field by field. */
  readonly alertPolicy: AlertPolicy;
  /** Each monitored-database query runs in a `kpi.query` span; none when absent. */
  readonly tracer?: Tracer | undefined;
  /** Series one run may have (MAX_SERIES); default 1000. */
  readonly maxSeries?: number | undefined;
}

/**
 * What evaluating one run needs: EvaluateDeps with only the history reads (the backtest answers them
 * from memory).
 */
export type EvaluateRunDeps = Omit<EvaluateDeps, 'uow'> & { readonly uow: { readonly read: { readonly executions: Pick<UnitOfWork['read']['executions'], 'seriesHistory'> } } };

export interface EvaluateOptions {
  readonly trigger: Exclude<ExecutionTrigger, 'backfill'>;
  /** The window ends here: the slot of a scheduled run, now for a manual one. */
  readonly windowEnd: Date;
  readonly traceId?: string | null | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface Evaluation {
  readonly result: ExecutionResult;
  readonly backfill: BackfillRun[];
  /** What each judged series' model learned (stored key → model), saved with the run. */
  readonly models: ReadonlyMap<string, SeriesModel>;
}

/** A run's window: the KPI's last minutes up to `end` (a scheduled run's slot). */
export const windowEnding = (kpi: Pick<Kpi, 'lastMinutes'>, end: Date): ExecutionWindow => ({ start: new Date(end.getTime() - kpi.lastMinutes * 60_000), end });

type QueryOutcome =
  | { ok: true; series: RawSeries[]; rows: number }
  | { ok: false; status: 'failed' | 'timeout'; error: string; rows: number };

async function runFor(deps: EvaluateRunDeps, kpi: Kpi, ds: DataSource, window: ExecutionWindow, signal?: AbortSignal): Promise<QueryOutcome> {
  const params = { forLastMinutes: kpi.lastMinutes, windowStart: window.start, windowEnd: window.end };
  const run = await (deps.tracer ?? noopTracer).withSpan('kpi.query', { 'db.system': DB_SYSTEM[ds.kind], 'kpi.id': kpi.id }, async (span) => {
    const r = await deps.sources.run(ds, kpi.query, params, kpi.timeoutSeconds * 1000, signal);
    span.set({ outcome: r.ok ? 'ok' : r.status, rows: r.ok ? r.rows.length : 0 });
    if (!r.ok) span.fail(r.error);
    return r;
  });
  if (!run.ok) return { ok: false, status: run.status, error: run.error, rows: 0 };
  const shaped = limitSeries(normaliseRows(run.rows, run.columns), deps.maxSeries);
  return shaped.ok ? { ok: true, series: shaped.series, rows: run.rows.length } : { ok: false, status: 'failed', error: shaped.error, rows: run.rows.length };
}

/** Runs the query for past windows that have no history; each becomes a `backfill` run. */
async function backfill(deps: EvaluateRunDeps, kpi: Kpi, ds: DataSource, ends: readonly Date[], signal?: AbortSignal): Promise<BackfillRun[]> {
  const runs: BackfillRun[] = [];
  for (const end of ends) {
    const window = windowEnding(kpi, end);
    const startedAt = deps.clock.now();
    const q = await runFor(deps, kpi, ds, window, signal);
    runs.push({
      runId: deps.ids.next('execution'), window, startedAt, finishedAt: deps.clock.now(), rowsReturned: q.rows,
      status: q.ok ? 'success' : q.status, error: q.ok ? null : q.error,
      values: q.ok ? q.series.map((s) => ({ key: s.key, value: s.value })) : [],
    });
  }
  return runs;
}

/**
 * When the query takes the window parameters, a past the series' own history lacks is run on the
 * source (and kept as `backfill` history), so that a new KPI on an old table is judged against its
 * season from the first run: a series seen for the first time gets the same time of the past days and
 * weeks (and a first model from them); a series with fewer than two weeks of its own at this time of
 * the week gets the missing weeks, run by run, until its own history has them (at most `baselineWeeks`
 * queries per run, for its first weeks).
 */
async function withBackfill(deps: EvaluateRunDeps, kpi: Kpi, ds: DataSource, plan: ReferencePlan, series: readonly RawSeries[], past: ReadonlyMap<string, SeriesPast>, signal?: AbortSignal): Promise<{ past: ReadonlyMap<string, SeriesPast>; runs: BackfillRun[] }> {
  if (!usesWindow(kpi.query)) return { past, runs: [] };
  const judged = series.filter((s) => s.historical === null);
  const fresh = judged.filter((s) => !past.has(seriesKey(s.key)));
  const fewWeeks = judged.filter((s) => (past.get(seriesKey(s.key))?.refs.weekly.filter((w) => w !== null).length ?? 0) < 2);
  if (fresh.length === 0 && fewWeeks.length === 0) return { past, runs: [] };
  const missing = (targets: readonly Date[], have: (i: number) => boolean) => targets.filter((_, i) => !have(i));
  const targets = new Map<number, Date>();
  for (const s of fewWeeks) {
    const refs = past.get(seriesKey(s.key))?.refs;
    for (const d of missing(plan.weekly, (i) => (refs?.weekly[i] ?? null) !== null)) targets.set(d.getTime(), d);
  }
  if (fresh.length > 0) for (const d of plan.daily) targets.set(d.getTime(), d);
  const runs = await backfill(deps, kpi, ds, [...targets.values()], signal);
  const found = (key: string, end: Date): PastPoint | null => {
    const run = runs.find((r) => r.window.end.getTime() === end.getTime());
    const v = run?.values.find((x) => seriesKey(x.key) === key);
    return v === undefined ? null : { at: end, value: v.value, seasonal: null, anomalous: false };
  };
  const merged = new Map(past);
  for (const s of fewWeeks) {
    const key = seriesKey(s.key);
    const known = past.get(key);
    const refs = {
      recent: known?.refs.recent ?? [],
      daily: plan.daily.map((d, i) => known?.refs.daily[i] ?? found(key, d)),
      weekly: plan.weekly.map((w, i) => known?.refs.weekly[i] ?? found(key, w)),
    };
    if (known !== undefined) {
      merged.set(key, { model: known.model, refs });
      continue;
    }
    const prediction = predict(refs, kpi.baselineAggregate);
    const seasonalValues = [...refs.daily, ...refs.weekly].filter((p): p is PastPoint => p !== null && prediction.seasonalPoints.includes(p.at)).map((p) => p.value);
    merged.set(key, { model: warmModel(seasonalValues), refs });
  }
  return { past: merged, runs };
}

/** A run without rows, as the KPI's noDataPolicy reads it (a "no data" alert follows a breach: core/alerts). */
export function noRowsOutcome(policy: Kpi['noDataPolicy']): SeriesResult['outcome'] {
  if (policy === 'ok') return { kind: 'ok' };
  if (policy === 'breach') return { kind: 'breach', reasons: [{ rule: 'no_rows', limit: 1, value: 0 }] };
  return { kind: 'no_judgement', reason: 'no_rows' };
}

/** Runs a KPI once and judges every series; records nothing (see record.ts). */
export async function evaluateKpi(deps: EvaluateRunDeps, kpi: Kpi, ds: DataSource, opts: EvaluateOptions): Promise<Evaluation> {
  const startedAt = deps.clock.now();
  const window = windowEnding(kpi, opts.windowEnd);
  const base = { runId: deps.ids.next('execution'), kpiId: kpi.id, trigger: opts.trigger, slot: opts.windowEnd, window, startedAt, nodeId: deps.nodeId, traceId: opts.traceId ?? null };
  const q = await runFor(deps, kpi, ds, window, opts.signal);
  if (!q.ok) {
    return { result: { ...base, finishedAt: deps.clock.now(), status: q.status, error: q.error, rowsReturned: q.rows, series: [] }, backfill: [], models: new Map() };
  }
  if (q.series.length === 0) {
    const none: SeriesResult = {
      key: null, value: null, baseline: null, baselineSource: null, baselineWindows: 0, deviationPercent: null, outcome: noRowsOutcome(kpi.noDataPolicy),
      seasonal: null, band: null, basis: null, anomalous: false, incident: null,
    };
    return { result: { ...base, finishedAt: deps.clock.now(), status: 'success', error: null, rowsReturned: 0, series: [none] }, backfill: [], models: new Map() };
  }
  const { plan, periodMinutes } = planFor(kpi, window.end);
  const loaded = await deps.uow.read.executions.seriesHistory(kpi.id, q.series.map((s) => seriesKey(s.key)), plan);
  const { past, runs } = await withBackfill(deps, kpi, ds, plan, q.series, loaded, opts.signal);
  const judged = judgeLoaded(kpi, deps.alertPolicy, window, q.series, past, periodMinutes);
  const series = judged.map((j) => j.result);
  // Finite values can still judge to ±Infinity (1e308 against -1e308): that is a failed run, not a number
  // the history and the events could not hold (JSON writes null).
  const overflow = nonFinitePath(series);
  if (overflow !== null) {
    const error = `the judgement of the result is not a finite number (series${overflow}); the values are out of range`;
    return { result: { ...base, finishedAt: deps.clock.now(), status: 'failed', error, rowsReturned: q.rows, series: [] }, backfill: runs, models: new Map() };
  }
  return {
    result: { ...base, finishedAt: deps.clock.now(), status: 'success', error: null, rowsReturned: q.rows, series },
    backfill: runs,
    models: new Map(judged.map((j) => [seriesKey(j.result.key), j.model])),
  };
}
