import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/judgement.ts';
import { BacktestInputError, commonStepMinutes, OUTPUT_HEADER, outputLine, parseBacktestCsv } from '../../core/backtest/csv.ts';
import { backtestKpi, runBacktest } from '../../core/backtest/run-backtest.ts';
import { isAppError } from '../../core/errors.ts';
import type { KpiInput } from '../../core/kpis/kpi.ts';

const WEEK_MS = 7 * 86_400_000;

/**
 * `monitoring-grid backtest`: judges the CSV at `input` with the rule in the JSON file `rule` (default: a
 * new KPI's) and writes one line per row to `output`. Returns the exit status (0 done, 1 bad input or rule).
 */
export function runBacktestCommand(
  values: { readonly input: string; readonly output: string; readonly rule?: string | undefined },
  io: { stderr: (s: string) => void; now: () => Date },
): number {
  const started = performance.now();
  try {
    const rows = parseBacktestCsv(readFileSync(values.input, 'utf8'));
    const rule = values.rule === undefined ? {} : (JSON.parse(readFileSync(values.rule, 'utf8')) as KpiInput);
    const kpi = backtestKpi(rule, commonStepMinutes(rows), io.now());
    const result = runBacktest(rows, kpi, DEFAULT_ALERT_POLICY);
    const lines = result.points.map((p) => outputLine({
      timestamp: p.row.timestamp, value: p.row.value, anomalyScore: p.opened ? 1 : 0, baseline: p.series.baseline,
      bandLow: p.series.band?.low ?? null, bandHigh: p.series.band?.high ?? null, outcome: p.series.outcome.kind, alertId: p.alertId,
    }));
    writeFileSync(values.output, `${OUTPUT_HEADER}\n${lines.map((l) => `${l}\n`).join('')}`);
    const spanMs = rows.length < 2 ? 0 : rows[rows.length - 1]!.at.getTime() - rows[0]!.at.getTime();
    const perWeek = spanMs === 0 ? result.alerts.length : (result.alerts.length * WEEK_MS) / spanMs;
    const seconds = (performance.now() - started) / 1000;
    io.stderr(`${values.input}: ${rows.length} rows, ${result.judged} judged, ${result.alerts.length} alerts opened, ${perWeek.toFixed(2)} alerts per week (${Math.round(rows.length / Math.max(seconds, 1e-3))} rows/s)\n`);
    return 0;
  } catch (e) {
    if (e instanceof BacktestInputError) io.stderr(`${values.input}: ${e.message}\n`);
    else if (isAppError(e)) io.stderr(`${values.rule ?? 'rule'}: ${(e.details?.errors as { path: string; message: string }[] | undefined)?.map((f) => `${f.path} ${f.message}`).join('; ') ?? e.message}\n`);
    else if (e instanceof SyntaxError) io.stderr(`${values.rule}: not JSON: ${e.message}\n`);
    else if ((e as NodeJS.ErrnoException).code !== undefined) io.stderr(`${(e as Error).message}\n`);
    else throw e;
    return 1;
  }
}
