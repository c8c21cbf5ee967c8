import type { DataSource } from '../datasources/datasource.ts';
import { kpiSchedule, type Kpi } from '../kpis/kpi.ts';
import { periodMinutes } from '../kpis/schedule.ts';
import type { Clock, IdGenerator, UnitOfWork } from '../ports.ts';
import { noopTracer, type Tracer } from '../tracer.ts';
import { DB_SYSTEM } from './execution-span.ts';
import { baselineFrom, pastWindowEnds, windowToleranceMs } from './baseline.ts';
import { deviationPercent, judge } from './judge.ts';
import type { ExecutionResult, ExecutionTrigger, ExecutionWindow, SeriesResult } from './outcome.ts';
import type { BackfillRun, SeriesPastValue, SourceRunner } from './ports.ts';
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
  /** Fewer past windows than this (capped at the KPI's baselineWeeks) = no baseline; default 3. */
  readonly minBaselineWindows: number;
  /** Each monitored-database query runs in a `kpi.query` span; none when absent. */
  readonly tracer?: Tracer | undefined;
  /** Series one run may have (MAX_SERIES); default 1000. */
  readonly maxSeries?: number | undefined;
}

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
}

const windowEnding = (kpi: Kpi, end: Date): ExecutionWindow => ({ start: new Date(end.getTime() - kpi.lastMinutes * 60_000), end });

type QueryOutcome =
  | { ok: true; series: RawSeries[]; rows: number }
  | { ok: false; status: 'failed' | 'timeout'; error: string; rows: number };

async function runFor(deps: EvaluateDeps, kpi: Kpi, ds: DataSource, window: ExecutionWindow, signal?: AbortSignal): Promise<QueryOutcome> {
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

/** Runs the query for the past windows that have no history; each becomes a `backfill` run. */
async function backfill(deps: EvaluateDeps, kpi: Kpi, ds: DataSource, ends: readonly Date[], signal?: AbortSignal): Promise<BackfillRun[]> {
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
 * The baselines of every series from history; when one lacks windows and the query takes the window
 * parameters, the missing past windows are run first (bounded by baselineWeeks) and used.
 */
async function judgeSeries(deps: EvaluateDeps, kpi: Kpi, ds: DataSource, window: ExecutionWindow, series: RawSeries[], signal?: AbortSignal): Promise<{ judged: SeriesResult[]; backfill: BackfillRun[] }> {
  const fromHistory = series.filter((s) => s.historical === null);
  const targets = pastWindowEnds(window.end, kpi.baselineWeeks, kpi.timezone);
  const tolerance = windowToleranceMs(periodMinutes(kpiSchedule(kpi), window.end));
  let found: SeriesPastValue[] = fromHistory.length === 0 ? [] : await deps.uow.read.executions.pastValues(kpi.id, fromHistory.map((s) => s.key), targets, tolerance);
  const verdictOf = (key: string | null) =>
    baselineFrom(targets, found.filter((f) => seriesKey(f.key) === seriesKey(key)), deps.minBaselineWindows, kpi.baselineAggregate);
  let filled: BackfillRun[] = [];
  const lacking = fromHistory.map((s) => verdictOf(s.key)).filter((v) => v.kind === 'insufficient');
  if (lacking.length > 0 && usesWindow(kpi.query)) {
    const missing = [...new Set(lacking.flatMap((v) => (v.kind === 'insufficient' ? v.missing.map((d) => d.getTime()) : [])))].map((t) => new Date(t));
    filled = await backfill(deps, kpi, ds, missing, signal);
    const ends = new Map(filled.map((b) => [b.runId, b.window.end]));
    found = [...found, ...filled.flatMap((b) => b.values.map((v) => ({ key: v.key, target: ends.get(b.runId)!, value: v.value })))];
  }
  const judged = series.map((s): SeriesResult => {
    if (s.historical !== null) {
      return { key: s.key, value: s.value, baseline: s.historical, baselineSource: 'query', baselineWindows: 1, deviationPercent: deviationPercent(s.value, s.historical), outcome: judge(kpi, s.value, s.historical) };
    }
    const v = verdictOf(s.key);
    const baseline = v.kind === 'baseline' ? v.value : null;
    return {
      key: s.key, value: s.value, baseline, baselineSource: baseline === null ? null : 'history', baselineWindows: v.windows,
      deviationPercent: deviationPercent(s.value, baseline), outcome: judge(kpi, s.value, baseline),
    };
  });
  return { judged, backfill: filled };
}

/** Runs a KPI once and judges every series; records nothing (see record.ts). */
export async function evaluateKpi(deps: EvaluateDeps, kpi: Kpi, ds: DataSource, opts: EvaluateOptions): Promise<Evaluation> {
  const startedAt = deps.clock.now();
  const window = windowEnding(kpi, opts.windowEnd);
  const base = { runId: deps.ids.next('execution'), kpiId: kpi.id, trigger: opts.trigger, slot: opts.windowEnd, window, startedAt, nodeId: deps.nodeId, traceId: opts.traceId ?? null };
  const q = await runFor(deps, kpi, ds, window, opts.signal);
  if (!q.ok) {
    return { result: { ...base, finishedAt: deps.clock.now(), status: q.status, error: q.error, rowsReturned: q.rows, series: [] }, backfill: [] };
  }
  if (q.series.length === 0) {
    const none: SeriesResult = { key: null, value: null, baseline: null, baselineSource: null, baselineWindows: 0, deviationPercent: null, outcome: { kind: 'no_judgement', reason: 'no_rows' } };
    return { result: { ...base, finishedAt: deps.clock.now(), status: 'success', error: null, rowsReturned: 0, series: [none] }, backfill: [] };
  }
  const { judged, backfill: filled } = await judgeSeries(deps, kpi, ds, window, q.series, opts.signal);
  // Finite values can still judge to ±Infinity (1e308 against -1e308): that is a failed run, not a number
  // the history and the events could not hold (JSON writes null).
  const overflow = nonFinitePath(judged);
  if (overflow !== null) {
    const error = `the judgement of the result is not a finite number (series${overflow}); the values are out of range`;
    return { result: { ...base, finishedAt: deps.clock.now(), status: 'failed', error, rowsReturned: q.rows, series: [] }, backfill: filled };
  }
  return { result: { ...base, finishedAt: deps.clock.now(), status: 'success', error: null, rowsReturned: q.rows, series: judged }, backfill: filled };
}
