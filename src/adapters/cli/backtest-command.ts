import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/judgement.ts';
import { BacktestInputError, commonStepMinutes, OUTPUT_HEADER, outputLine, parseBacktestCsv } from '../../core/backtest/csv.ts';
import { backtestKpi, runBacktest } from '../../core/backtest/run-backtest.ts';
import { isAppError } from '../../core/errors.ts';
import type { KpiInput } from '../../core/kpis/kpi.ts';

export const BACKTEST_USAGE = `  backtest  --input FILE.csv --output OUT.csv [--rule RULE.json]: judge a CSV of timestamp,value rows
            (one scheduled run each) with a KPI's rule (the judgement fields of POST /kpis; default: a new
            KPI's) through the scheduler's own engine; writes timestamp,value,anomaly_score,… per row`;

const WEEK_MS = 7 * 86_400_000;

/** Runs the command; returns the exit status (0 done, 1 bad input or rule, 2 bad usage). */
export function runBacktestCommand(argv: readonly string[], io: { stderr: (s: string) => void; now: () => Date }): number {
  let values: { input?: string; output?: string; rule?: string };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { input: { type: 'string' }, output: { type: 'string' }, rule: { type: 'string' } }, allowPositionals: true, strict: true }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\nusage: monitoring-grid backtest --input FILE.csv --output OUT.csv [--rule RULE.json]\n`);
    return 2;
  }
  if (values.input === undefined || values.output === undefined) {
    io.stderr('usage: monitoring-grid backtest --input FILE.csv --output OUT.csv [--rule RULE.json]\n');
    return 2;
  }
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
