import type { AlertPolicy } from '../alerts/judgement.ts';
import { recipientsFor, type RoutingSettings } from '../alerts/routing.ts';
import type { DataSource } from '../datasources/datasource.ts';
import { invalid, notFound } from '../errors.ts';
import type { SourceRunner } from '../executions/ports.ts';
import { KPI_FIELDS, kpiFromInput, kpiSchedule, validateKpi, type Kpi, type KpiInput } from '../kpis/kpi.ts';
import { nextSlot } from '../kpis/schedule.ts';
import type { Clock, UnitOfWork } from '../ports.ts';
import { BacktestSource, type QueryBudget, type RecordedWindows, type WindowOrigin } from './backtest-source.ts';
import { summarise, type BacktestSummary } from './backtest-summary.ts';
import { replayKpi, type Replay } from './replay-kpi.ts';

const DAY_MS = 86_400_000;

/** The bounds of one backtest (BACKTEST_MAX_SOURCE_QUERIES, BACKTEST_MAX_SECONDS). */
export interface BacktestLimits {
  /** Source queries per backtest, the tried rule and the current one together; default 2,000. */
  readonly maxSourceQueries: number;
  /** Wall time per backtest, ms; default 300,000. */
  readonly maxMs: number;
  /** Points (windows × series) per replay; default 500,000. */
  readonly maxPoints: number;
}

export const DEFAULT_BACKTEST_LIMITS: BacktestLimits = { maxSourceQueries: 2_000, maxMs: 300_000, maxPoints: 500_000 };

/** The execution history a backtest reads: what each past window of a KPI recorded, in [from, to]. */
export interface RecordedHistory {
  recordedWindows(kpiId: string, from: Date, to: Date): Promise<RecordedWindows>;
}

export interface BacktestDeps {
  readonly uow: UnitOfWork;
  readonly clock: Clock;
  readonly sources: SourceRunner;
  readonly alertPolicy: AlertPolicy;
  readonly routing: RoutingSettings;
  readonly history: RecordedHistory;
  readonly limits: BacktestLimits;
  readonly maxSeries?: number | undefined;
  readonly pause: () => Promise<void>;
}

/** A validated backtest, ready to run: the rule to try and the saved one to compare it with. */
export interface BacktestPlan {
  readonly days: number;
  readonly tried: Kpi;
  /** The saved KPI (null: a new one); its history feeds the tried rule when the query is the same. */
  readonly saved: Kpi | null;
  readonly ds: DataSource;
}

export const MIN_DAYS = 1;
export const MAX_DAYS = 90;

/**
 * Validates a backtest as saving would validate the KPI: `input` changes the saved KPI `kpiId` (or
 * is a whole new KPI without one). Bad fields answer `validation`, before anything runs.
 */
export async function planBacktest(deps: Pick<BacktestDeps, 'uow' | 'clock'>, kpiId: string | undefined, input: KpiInput, days: number): Promise<BacktestPlan> {
  const now = deps.clock.now();
  const saved = kpiId === undefined ? null : await deps.uow.read.kpis.get(kpiId);
  if (kpiId !== undefined && saved === null) throw notFound('KPI', kpiId);
  const fields = kpiFromInput(input, now, saved ?? undefined);
  const ds = fields.dataSourceId ? await deps.uow.read.dataSources.get(fields.dataSourceId) : null;
  const errors = [...validateKpi(fields, ds)];
  if (ds === null) errors.push({ path: '/dataSourceId', message: `data source ${fields.dataSourceId} does not exist` });
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) errors.push({ path: '/days', message: `must be a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}` });
  if (errors.length > 0 || ds === null) throw invalid(errors);
  const tried: Kpi = { ...fields, id: saved?.id ?? 'kpi_unsaved', version: saved?.version ?? 0, createdAt: saved?.createdAt ?? now, updatedAt: now };
  return { days, tried, saved, ds };
}

/** The slots of a KPI's schedule in (from, to]. */
export function slotsBetween(kpi: Kpi, from: Date, to: Date): Date[] {
  const schedule = kpiSchedule(kpi);
  const out: Date[] = [];
  for (let s = nextSlot(schedule, from); s <= to; s = nextSlot(schedule, s)) out.push(s);
  return out;
}

export interface BacktestPointView {
  readonly at: Date;
  readonly series: string | null;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly bandLow: number | null;
  readonly bandHigh: number | null;
  /** ok, breach, no_judgement, or failed (the run did not succeed: see origin and error). */
  readonly outcome: string;
  readonly reason: string | null;
  readonly origin: WindowOrigin;
  readonly alertId: string | null;
}

export interface RuleBacktest extends BacktestSummary {
  readonly points: BacktestPointView[];
}

export interface BacktestReport extends RuleBacktest {
  readonly kpiId: string | null;
  readonly days: number;
  readonly from: Date;
  readonly to: Date;
  readonly cancelled: boolean;
  /** Source queries run (both rules together). */
  readonly sourceQueries: number;
  /** Why some windows were not run: a limit; null = none was reached. */
  readonly limitReached: 'source_queries' | 'time' | 'points' | null;
  readonly windows: { readonly total: number; readonly history: number; readonly source: number; readonly none: number; readonly notRun: number; readonly failed: number };
  /** The saved rule over the same windows (null: a new KPI). */
  readonly current: RuleBacktest | null;
}

function pointsOf(replay: Replay): BacktestPointView[] {
  return replay.points.map((p) => {
    const s = p.series;
    const reason = s === null ? p.error : s.outcome.kind === 'no_judgement' ? s.outcome.reason : s.outcome.kind === 'breach' ? s.outcome.reasons.map((r) => r.rule).join(', ') : null;
    return {
      at: p.at, series: p.key, value: s?.value ?? null, baseline: s?.baseline ?? null, bandLow: s?.band?.low ?? null, bandHigh: s?.band?.high ?? null,
      outcome: s === null ? 'failed' : s.outcome.kind, reason, origin: p.origin, alertId: p.alertId,
    };
  });
}

const sameWindows = (a: Kpi, b: Kpi): boolean => a.query === b.query && a.dataSourceId === b.dataSourceId && a.lastMinutes === b.lastMinutes;

/**
 * Replays the tried rule (and the saved one, to compare) over the last `days` days, as the scheduler
 * would have run it: values from the KPI's execution history, the missing windows run on the source
 * while the budget lasts. Records nothing: no history, no events, no notifications.
 */
export async function runBacktest(deps: BacktestDeps, plan: BacktestPlan, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<BacktestReport> {
  const started = deps.clock.now();
  const to = started;
  const from = new Date(to.getTime() - plan.days * DAY_MS);
  const budget: QueryBudget = { maxQueries: deps.limits.maxSourceQueries, deadlineMs: started.getTime() + deps.limits.maxMs, used: 0, limitReached: null };
  const nowMs = () => deps.clock.now().getTime();
  // The saved rule unchanged (a backtest of the KPI as it is): one replay answers for both.
  const same = plan.saved !== null && KPI_FIELDS.every((f) => JSON.stringify(plan.tried[f]) === JSON.stringify(plan.saved![f]));
  const rules = [plan.tried, ...(plan.saved === null || same ? [] : [plan.saved])];
  const prepared = await Promise.all(rules.map(async (kpi) => {
    const warmFrom = new Date(from.getTime() - (kpi.baselineWeeks * 7 + 1) * DAY_MS);
    const historyOf = plan.saved !== null && sameWindows(kpi, plan.saved) ? plan.saved.id : null;
    const recorded: RecordedWindows = historyOf === null ? new Map() : await deps.history.recordedWindows(historyOf, warmFrom, to);
    // Before the range: the scheduled runs are replayed (so the model is warm and the anomalies are
    // the tried rule's), the backfilled windows are history as the store holds them.
    const warmup = slotsBetween(kpi, warmFrom, from).filter((s) => recorded.get(s.getTime())?.backfill === false);
    const seed = [...recorded.entries()].filter(([at, w]) => at <= from.getTime() && w.backfill)
      .flatMap(([at, w]) => w.values.flatMap((v) => (v.value === null ? [] : [{ at: new Date(at), key: v.key, value: v.value }])));
    return { kpi, recorded, warmup, seed, slots: slotsBetween(kpi, from, to) };
  }));
  const totals = prepared.map((p) => p.warmup.length + p.slots.length);
  const all = totals.reduce((a, b) => a + b, 0);
  opts.onProgress?.(0, all);
  const replays: Replay[] = [];
  let source: BacktestSource | null = null;
  for (const [i, p] of prepared.entries()) {
    // The current rule reuses the tried one's answers from the source when it runs the same query.
    source = source !== null && i > 0 && sameWindows(p.kpi, prepared[0]!.kpi) ? source : new BacktestSource(deps.sources, p.recorded, budget, nowMs);
    const before = totals.slice(0, i).reduce((a, b) => a + b, 0);
    replays.push(await replayKpi(deps, p.kpi, plan.ds, source, {
      warmup: p.warmup, seed: p.seed, slots: p.slots, signal: opts.signal, deadlineMs: budget.deadlineMs, maxPoints: deps.limits.maxPoints,
      onProgress: (done) => opts.onProgress?.(before + done, all),
    }));
    if (replays[i]!.cancelled) break;
  }
  const summaryOf = async (kpi: Kpi, replay: Replay): Promise<RuleBacktest> => {
    const contacts = await deps.uow.read.contacts.getMany(kpi.contactIds);
    return { ...summarise(replay, kpi, deps.alertPolicy, recipientsFor(kpi, contacts, deps.routing, 'opened'), from, to), points: pointsOf(replay) };
  };
  const tried = replays[0]!;
  const slots = prepared[0]!.slots;
  const windowsAt = new Map(tried.points.map((p) => [p.at.getTime(), p]));
  const count = (pred: (origin: WindowOrigin | 'failed') => boolean) => [...windowsAt.values()].filter((p) => pred(p.series === null && (p.origin === 'history' || p.origin === 'source') ? 'failed' : p.origin)).length;
  const stopped = replays.map((r) => r.stopped).find((s) => s !== null) ?? null;
  return {
    kpiId: plan.saved?.id ?? null, days: plan.days, from, to, cancelled: replays.some((r) => r.cancelled),
    sourceQueries: budget.used, limitReached: budget.limitReached ?? stopped,
    windows: {
      total: slots.length, history: count((o) => o === 'history'), source: count((o) => o === 'source'), none: count((o) => o === 'none'),
      notRun: count((o) => o === 'not_run') + (slots.length - tried.replayed), failed: count((o) => o === 'failed'),
    },
    ...(await summaryOf(plan.tried, tried)),
    current: plan.saved === null ? null : same ? await summaryOf(plan.saved, tried) : replays[1] === undefined ? null : await summaryOf(plan.saved, replays[1]),
  };
}
