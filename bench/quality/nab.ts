/**
 * Alert quality on the public NAB subset (../shared/datasets/nab, see its README): every file through
 * `monitoring-grid backtest` with the default rule of a new KPI, scored by nab-score.ts. Prints, per
 * profile, the NAB score beside the published reference points, and per file the windows detected,
 * false alerts per series-week and the delay from each labelled moment to the first alert.
 *
 *   npx tsx bench/quality/nab.ts [--rule RULE.json] [--data DIR]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBacktestCommand } from '../../src/adapters/cli/backtest-command.ts';
import { parseTimestamp } from '../../src/core/backtest/csv.ts';
import { nabScore, PROFILES, scoreFile, type FileScore, type ScoredFile } from './nab-score.ts';

const { values } = parseArgs({ options: { rule: { type: 'string' }, data: { type: 'string' } } });
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dir = values.data ?? path.resolve(root, '../shared/datasets/nab');
const windows = JSON.parse(readFileSync(path.join(dir, 'labels/combined_windows.json'), 'utf8')) as Record<string, [string, string][]>;
const labels = JSON.parse(readFileSync(path.join(dir, 'labels/combined_labels.json'), 'utf8')) as Record<string, string[]>;
const time = (s: string): number => parseTimestamp(s.slice(0, 19))!.getTime();

const out = mkdtempSync(path.join(tmpdir(), 'mg-nab-'));
const files: { name: string; file: ScoredFile }[] = [];
let rows = 0;
const started = performance.now();
for (const name of Object.keys(windows).sort()) {
  const output = path.join(out, name.replace(/\//g, '_'));
  const status = runBacktestCommand({ input: path.join(dir, 'data', name), output, rule: values.rule }, { stderr: () => undefined, now: () => new Date() });
  if (status !== 0) throw new Error(`backtest of ${name} exited ${status}`);
  const lines = readFileSync(output, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const times = lines.map((l) => time(l[0]!));
  rows += times.length;
  const rowAtOrAfter = (t: number) => times.findIndex((x) => x >= t);
  const rowAtOrBefore = (t: number) => times.length - 1 - [...times].reverse().findIndex((x) => x <= t);
  files.push({
    name,
    file: {
      times,
      windows: windows[name]!.map(([a, b]) => [rowAtOrAfter(time(a)), rowAtOrBefore(time(b))] as const),
      alerts: new Set(lines.flatMap((l, i) => (l[2] === '1' ? [i] : []))),
      labels: labels[name]!.map(time),
    },
  });
}
const seconds = (performance.now() - started) / 1000;
rmSync(out, { recursive: true, force: true });

const fmt = (d: number | null) => (d === null ? 'miss' : `${d >= 0 ? '+' : ''}${d.toFixed(1)}h`);
const standard = files.map((f) => ({ name: f.name, s: scoreFile(f.file, PROFILES.standard) }));
console.log(`NAB subset: ${files.length} files, ${rows} rows through the backtest in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s)\n`);
console.log('| file | windows detected | false alerts | per series-week | delay from each label |');
console.log('|---|---|---|---|---|');
for (const { name, s } of standard) {
  console.log(`| ${name} | ${s.detected}/${s.windows} | ${s.falseAlerts} | ${(s.falseAlerts / s.weeks).toFixed(2)} | ${s.delaysHours.map(fmt).join(' ') || '-'} |`);
}
const total = (all: FileScore[]) => ({
  detected: all.reduce((a, s) => a + s.detected, 0), windows: all.reduce((a, s) => a + s.windows, 0),
  falseAlerts: all.reduce((a, s) => a + s.falseAlerts, 0), weeks: all.reduce((a, s) => a + s.weeks, 0),
});
const reference = { standard: '0 / 16.6 / 68.2 / 79.8', reward_low_FP_rate: '0 / 6.2 / 62.4 / 71.6', reward_low_FN_rate: '0 / 28.6 / 71.8 / 84.8' } as const;
console.log('\n| profile | NAB score | windows detected | false alerts per series-week | reference: null / random / Numenta HTM / ARTime |');
console.log('|---|---|---|---|---|');
for (const [name, p] of Object.entries(PROFILES) as [keyof typeof PROFILES, (typeof PROFILES)[keyof typeof PROFILES]][]) {
  const scores = files.map((f) => scoreFile(f.file, p));
  const t = total(scores);
  console.log(`| ${name} | ${nabScore(scores, p).toFixed(1)} | ${t.detected}/${t.windows} | ${(t.falseAlerts / t.weeks).toFixed(2)} | ${reference[name]} |`);
}
const delays = standard.flatMap(({ s }) => s.delaysHours.filter((d): d is number => d !== null)).sort((a, b) => a - b);
console.log(`\ndelay from the labelled moment to the first alert (detected windows): median ${fmt(delays[delays.length >> 1] ?? null)}, range ${fmt(delays[0] ?? null)} to ${fmt(delays[delays.length - 1] ?? null)}`);
