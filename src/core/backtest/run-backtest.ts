import type { AlertPolicy } from '../alerts/judgement.ts';
import { decideOnOutcome, NO_COUNTERS, type Counters } from '../alerts/decide.ts';
import { invalid } from '../errors.ts';
import { judgeLoaded, planFor } from '../executions/judge-series.ts';
import type { SeriesResult } from '../executions/outcome.ts';
import { kpiFromInput, validateKpi, type Kpi, type KpiInput } from '../kpis/kpi.ts';
import type { BacktestRow } from './csv.ts';
import { MemorySeriesHistory } from './memory-history.ts';

/** An alert the rule would have opened (and perhaps resolved). */
export interface BacktestAlert {
  readonly id: string;
  readonly openedAt: Date;
  readonly resolvedAt: Date | null;
  /** Whether its opening notification would have gone out at once (false: held by the cooldown). */
  readonly notified: boolean;
  /** The largest |deviation| in % while it was open, signed; null when no run had a deviation. */
  readonly peakDeviationPercent: number | null;
  /** The rules the opening value broke, e.g. "band drop". */
  readonly why: string;
}

export interface BacktestPoint {
  readonly row: BacktestRow;
  readonly series: SeriesResult;
  /** The alert open after this run (null: none). */
  readonly alertId: string | null;
  /** An alert opened on this run. */
  readonly opened: boolean;
}

export interface BacktestResult {
  readonly points: BacktestPoint[];
  readonly alerts: BacktestAlert[];
  readonly judged: number;
}

/**
 * The KPI a rule file describes: the judgement fields as POST /kpis takes them, with the defaults of
 * a new KPI, scheduled every `periodMinutes` (the step of the data). Bad fields answer `validation`.
 */
export function backtestKpi(rule: KpiInput, periodMinutes: number, now: Date): Kpi {
  const fields = kpiFromInput({
    indicator: 'backtest', owner: 'backtest', dataSourceId: 'none', query: 'SELECT 1 AS value', frequencyMinutes: periodMinutes, ...rule,
  }, now);
  const errors = validateKpi(fields);
  if (errors.length > 0) throw invalid(errors);
  return { ...fields, id: 'kpi_backtest', version: 1, createdAt: now, updatedAt: now };
}

const describeReasons = (s: SeriesResult): string =>
  s.outcome.kind === 'breach' ? s.outcome.reasons.map((r) => ('direction' in r ? `${r.rule} ${r.direction}` : r.rule)).join(', ') : 'sustained deviation';

/**
 * Plays rows as the scheduler would run them, through the same judgement (judgeLoaded) and the same
 * alert decision (decideOnOutcome) with a history in memory: each row is one scheduled run at its
 * timestamp that returned its value. Records nothing anywhere.
 */
export function runBacktest(rows: readonly BacktestRow[], kpi: Kpi, policy: AlertPolicy): BacktestResult {
  const history = new MemorySeriesHistory();
  const points: BacktestPoint[] = [];
  const alerts: { -readonly [K in keyof BacktestAlert]: BacktestAlert[K] }[] = [];
  let counters: Counters = NO_COUNTERS;
  let active: { id: string; openingNotified: boolean } | null = null;
  let judged = 0;
  // One map for every row (the past of the single series), refilled rather than made anew.
  const past = new Map<string, NonNullable<ReturnType<MemorySeriesHistory['find']>>>();
  for (const row of rows) {
    const { plan, periodMinutes } = planFor(kpi, row.at);
    const found = history.find(plan);
    if (found === null) past.delete('');
    else past.set('', found);
    const window = { start: new Date(row.at.getTime() - kpi.lastMinutes * 60_000), end: row.at };
    const [j] = judgeLoaded(kpi, policy, window, [{ key: null, value: row.value, historical: null }], past, periodMinutes);
    const s = j!.result;
    if (s.outcome.kind !== 'no_judgement') judged++;
    const decision = decideOnOutcome(counters, active, s.incident, kpi.cooldownMinutes, row.at);
    counters = decision.counters;
    let opened = false;
    for (const intent of decision.intents) {
      if (intent.type === 'open') {
        const alert = { id: `alert-${alerts.length + 1}`, openedAt: row.at, resolvedAt: null, notified: intent.notifyAt === null, peakDeviationPercent: s.deviationPercent, why: describeReasons(s) };
        alerts.push(alert);
        active = { id: alert.id, openingNotified: alert.notified };
        opened = true;
      } else if (active !== null) {
        alerts[alerts.length - 1]!.resolvedAt = row.at;
        active = null;
      }
    }
    const current = active === null ? null : alerts[alerts.length - 1]!;
    if (current !== null && s.deviationPercent !== null && (current.peakDeviationPercent === null || Math.abs(s.deviationPercent) > Math.abs(current.peakDeviationPercent))) {
      current.peakDeviationPercent = s.deviationPercent;
    }
    points.push({ row, series: s, alertId: active?.id ?? null, opened });
    history.append({ at: row.at, value: row.value, seasonal: s.seasonal, anomalous: s.anomalous }, j!.model);
  }
  return { points, alerts, judged };
}
