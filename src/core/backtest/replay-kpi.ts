import type { AlertPolicy } from '../alerts/judgement.ts';
import { decideOnOutcome, NO_COUNTERS, type Counters } from '../alerts/decide.ts';
import type { DataSource } from '../datasources/datasource.ts';
import { evaluateKpi } from '../executions/evaluate.ts';
import type { SeriesResult } from '../executions/outcome.ts';
import { seriesKey } from '../executions/transitions.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { Clock } from '../ports.ts';
import { noopTracer } from '../tracer.ts';
import type { BacktestSource, WindowOrigin } from './backtest-source.ts';
import { MemoryKpiHistory } from './memory-history.ts';

/** One series of one replayed window, to draw. */
export interface ReplayPoint {
  readonly at: Date;
  readonly key: string | null;
  readonly origin: WindowOrigin;
  /** null when the run did not succeed (no data, not run, a failed query). */
  readonly series: SeriesResult | null;
  /** The run's error when it did not succeed. */
  readonly error: string | null;
  /** The alert open on this series after this run (null: none). */
  readonly alertId: string | null;
}

/** An alert the rule would have opened, with what its messages would have been. */
export interface ReplayAlert {
  readonly id: string;
  readonly key: string | null;
  readonly openedAt: Date;
  resolvedAt: Date | null;
  /** When the opening notification would go out: at once, or when the cooldown ended (null: held). */
  readonly notifyAt: Date | null;
  peakDeviationPercent: number | null;
  readonly why: string;
}

export interface Replay {
  readonly points: ReplayPoint[];
  readonly alerts: ReplayAlert[];
  readonly cancelled: boolean;
  /** Why it stopped before the last window: the time limit or the points limit; null = it did not. */
  readonly stopped: 'time' | 'points' | null;
  /** The windows replayed before the time limit or the cancel stopped it (the rest are `not_run`). */
  readonly replayed: number;
}

export interface ReplayDeps {
  readonly clock: Clock;
  readonly alertPolicy: AlertPolicy;
  readonly maxSeries?: number | undefined;
  /** Lets other work run (the HTTP server) between windows; setImmediate in the adapter. */
  readonly pause: () => Promise<void>;
}

export interface ReplayOptions {
  /** Backfilled points recorded before the range: in the history as the store holds them, not judged. */
  readonly seed?: readonly { readonly at: Date; readonly key: string; readonly value: number }[];
  /** Windows replayed first to warm the model and the history, from the history only; not reported. */
  readonly warmup: readonly Date[];
  readonly slots: readonly Date[];
  readonly signal?: AbortSignal | undefined;
  /** Stop starting windows past this time (the backtest's clock, ms). */
  readonly deadlineMs: number;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Stop once this many points were drawn (series × windows), so that many series cannot exhaust memory. */
  readonly maxPoints: number;
}

const reasonsOf = (s: SeriesResult): string =>
  s.outcome.kind === 'breach' ? s.outcome.reasons.map((r) => ('direction' in r && r.direction !== undefined ? `${r.rule} ${r.direction}` : r.rule)).join(', ') : 'sustained deviation';

const PAUSE_EVERY = 50;

/**
 * Replays a KPI's schedule over past windows as the scheduler would have run it: each window through
 * evaluateKpi (the scheduler's own evaluation, backfill included) against a history in memory that
 * records what the store would (the run's points and models, the backfilled points), and each series'
 * incident through the alert decision (decideOnOutcome). Records nothing anywhere.
 */
export async function replayKpi(deps: ReplayDeps, kpi: Kpi, ds: DataSource, source: BacktestSource, opts: ReplayOptions): Promise<Replay> {
  const history = new MemoryKpiHistory();
  for (const p of opts.seed ?? []) history.append(p.key, { at: p.at, value: p.value, seasonal: null, anomalous: false }, null);
  let n = 0;
  const evalDeps = {
    uow: { read: { executions: { seriesHistory: history.load.bind(history) } } },
    clock: deps.clock, ids: { next: (kind: string) => `${kind}_backtest_${++n}` }, sources: source, nodeId: 'backtest',
    alertPolicy: deps.alertPolicy, maxSeries: deps.maxSeries, tracer: noopTracer,
  };
  const points: ReplayPoint[] = [];
  const alerts: ReplayAlert[] = [];
  const counters = new Map<string, Counters>();
  const active = new Map<string, ReplayAlert>();
  const total = opts.warmup.length + opts.slots.length;
  let done = 0;
  let cancelled = false;
  let replayed = 0;
  let stopped: Replay['stopped'] = null;
  const windows = [...opts.warmup.map((at) => ({ at, report: false })), ...opts.slots.map((at) => ({ at, report: true }))];
  for (const w of windows) {
    if (opts.signal?.aborted === true) {
      cancelled = true;
      break;
    }
    if (deps.clock.now().getTime() >= opts.deadlineMs) {
      stopped = 'time';
      break;
    }
    if (points.length >= opts.maxPoints) {
      stopped = 'points';
      break;
    }
    source.allowSource = w.report;
    const ev = await evaluateKpi(evalDeps, kpi, ds, { trigger: 'schedule', windowEnd: w.at, signal: opts.signal });
    for (const b of ev.backfill) {
      for (const v of b.values) history.append(seriesKey(v.key), { at: b.window.end, value: v.value, seasonal: null, anomalous: false }, null);
    }
    const r = ev.result;
    for (const s of r.series) {
      if (s.value === null) continue;
      const key = seriesKey(s.key);
      history.append(key, { at: r.window.end, value: s.value, seasonal: s.seasonal, anomalous: s.anomalous }, ev.models.get(key) ?? null);
    }
    done++;
    if (done % PAUSE_EVERY === 0) {
      opts.onProgress?.(done, total);
      await deps.pause();
    }
    if (!w.report) continue;
    replayed++;
    const origin = source.origin(w.at.getTime());
    if (r.status !== 'success') {
      points.push({ at: w.at, key: null, origin, series: null, error: r.error, alertId: null });
      continue;
    }
    for (const s of r.series) {
      const key = seriesKey(s.key);
      const decision = decideOnOutcome(counters.get(key) ?? NO_COUNTERS, active.get(key) === undefined ? null : { id: active.get(key)!.id, openingNotified: false }, s.incident, kpi.cooldownMinutes, w.at);
      counters.set(key, decision.counters);
      for (const intent of decision.intents) {
        if (intent.type === 'open') {
          const alert: ReplayAlert = { id: `alert-${alerts.length + 1}`, key: s.key, openedAt: w.at, resolvedAt: null, notifyAt: intent.notifyAt ?? w.at, peakDeviationPercent: s.deviationPercent, why: reasonsOf(s) };
          alerts.push(alert);
          active.set(key, alert);
        } else {
          const a = active.get(key);
          if (a !== undefined) a.resolvedAt = w.at;
          active.delete(key);
        }
      }
      const current = active.get(key);
      if (current !== undefined && s.deviationPercent !== null && (current.peakDeviationPercent === null || Math.abs(s.deviationPercent) > Math.abs(current.peakDeviationPercent))) {
        current.peakDeviationPercent = s.deviationPercent;
      }
      points.push({ at: w.at, key: s.key, origin, series: s, error: null, alertId: current?.id ?? null });
    }
  }
  opts.onProgress?.(done, total);
  return { points, alerts, cancelled, stopped, replayed };
}
