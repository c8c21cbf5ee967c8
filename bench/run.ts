/**
 * `npm run bench [-- name ...]`: runs every `bench/*.bench.ts` (or the named ones) and prints one table:
 * each measurement next to its baseline from the same run and their ratio.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, BenchRow } from './benchmark.ts';

const dir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));

const fmt = (n: number | undefined): string =>
  n === undefined || Number.isNaN(n) ? '' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);

function table(rows: (BenchRow & { benchmark: string })[]): string {
  const head = ['benchmark', 'case', 'measured', 'unit', 'baseline', 'ratio', 'note'];
  const body = rows.map((r) => [r.benchmark, r.case, fmt(r.measured), r.unit, fmt(r.baseline), r.baseline ? (r.measured / r.baseline).toFixed(2) : '', r.note ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
const rows: (BenchRow & { benchmark: string })[] = [];
for (const file of files) {
  const bench = (await import(pathToFileURL(path.join(dir, file)).href)).default as Benchmark;
  if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
  process.stderr.write(`\n## ${bench.name}: ${bench.description}\n`);
  const started = Date.now();
  for (const row of await bench.run((m) => process.stderr.write(`  ${m}\n`))) rows.push({ ...row, benchmark: bench.name });
  process.stderr.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\n${table(rows)}\n`);
process.exit(0);
