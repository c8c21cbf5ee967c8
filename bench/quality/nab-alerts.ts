/**
 * Diagnosis, not a figure: every alert the default rule opens on one NAB file, with what it stood on
 * (value, baseline, sigma, seasonality) and whether it lies in a labelled window.
 *
 *   npx tsx bench/quality/nab-alerts.ts realTweets/Twitter_volume_FB.csv [--rule RULE.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { commonStepMinutes, parseBacktestCsv, parseTimestamp } from '../../src/core/backtest/csv.ts';
import { backtestKpi, runBacktest } from '../../src/core/backtest/run-backtest.ts';

const { values, positionals } = parseArgs({ options: { rule: { type: 'string' }, data: { type: 'string' } }, allowPositionals: true });
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dir = values.data ?? path.resolve(root, '../shared/datasets/nab');
const name = positionals[0]!;
const windows = (JSON.parse(readFileSync(path.join(dir, 'labels/combined_windows.json'), 'utf8')) as Record<string, [string, string][]>)[name]!;
const time = (s: string): number => parseTimestamp(s.slice(0, 19))!.getTime();
const rows = parseBacktestCsv(readFileSync(path.join(dir, 'data', name), 'utf8'));
const rule = values.rule === undefined ? {} : JSON.parse(readFileSync(values.rule, 'utf8'));
const r = runBacktest(rows, backtestKpi(rule, commonStepMinutes(rows), new Date()), DEFAULT_ALERT_POLICY);
const probationEnd = rows[Math.min(Math.floor(0.15 * rows.length), 750)]!.at.getTime();
console.log(`windows: ${windows.map(([a, b]) => `${a.slice(0, 16)}..${b.slice(0, 16)}`).join(', ')}; probation ends ${new Date(probationEnd).toISOString().slice(0, 16)}`);
for (const p of r.points.filter((x) => x.opened)) {
  const t = p.row.at.getTime();
  const w = windows.findIndex(([a, b]) => t >= time(a) && t <= time(b));
  const a = r.alerts.find((x) => x.id === p.alertId)!;
  const s = p.series;
  const hours = a.resolvedAt === null ? 'open' : `${((a.resolvedAt.getTime() - t) / 3_600_000).toFixed(1)}h`;
  console.log(`${p.row.timestamp} ${t < probationEnd ? 'probation' : w >= 0 ? `WINDOW ${w}` : 'false'} v=${s.value} base=${s.baseline?.toFixed(1)} sigma=${s.basis?.sigma?.toFixed(2)} ${s.basis?.seasonality} pts=${s.basis?.modelPoints} ${a.why} peak=${a.peakDeviationPercent?.toFixed(0)}% lasted ${hours}`);
}
