/**
 * Memory (issue 15), each figure beside its baseline from the same run:
 * - the embedded default with the demo (`monitoring-grid start`, empty DATA_DIR, no DATABASE_URL): RSS
 *   one minute after the first start and its peak over MEMORY_SECONDS (default 120), beside a process
 *   that only opens PGlite in an empty folder and migrates it (what PGlite itself costs);
 * - a server-mode node on PostgreSQL with MEMORY_KPIS KPIs (default 10,000; 1-, 5-, 15-, 60-minute
 *   frequencies) running for the same time, beside a bare Node process with `pg` loaded.
 * `npx tsx bench/memory.ts` (MEMORY_SECONDS=70 MEMORY_KPIS=2000 to try it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMb, sampleRss, scratch, seededStore, startService, table, urlOf } from './processes.ts';

const SECONDS = Number(process.env.MEMORY_SECONDS ?? 120);
const KPIS = Number(process.env.MEMORY_KPIS ?? 10_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const log = (m: string) => process.stderr.write(`  ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS of a process started with `args` once it printed `ready` (or after `settleMs`), then killed. */
async function rssOf(args: string[], settleMs: number): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(here, '..') });
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 60_000);
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('ready')) { clearTimeout(t); resolve(); } });
  });
  await sleep(settleMs);
  const rss = rssMb(child.pid!) ?? NaN;
  child.kill('SIGKILL');
  return rss;
}

/** Peak RSS over the whole run, the value one minute after the start, and the peak from then on. */
async function watch(pid: number): Promise<{ atMinute: number; peak: number; peakAfter: number; last: number }> {
  const all = sampleRss(pid, 1000);
  await sleep(60_000);
  const atMinute = rssMb(pid) ?? NaN;
  const after = sampleRss(pid, 1000);
  await sleep(Math.max(0, SECONDS - 60) * 1000);
  all.stop();
  after.stop();
  return { atMinute, peak: all.peak(), peakAfter: after.peak(), last: after.last() };
}

const rows: Parameters<typeof table>[0] = [];

// The embedded default with the demo.
{
  const dir = mkdtempSync(path.join(tmpdir(), 'mg-memory-'));
  const alone = mkdtempSync(path.join(tmpdir(), 'mg-pglite-'));
  try {
    log('PGlite alone (baseline)');
    const pglite = await rssOf(['--import', 'tsx', path.join(here, 'pglite-alone.ts'), alone], 10_000);
    log(`the embedded default with the demo, ${SECONDS} s`);
    const service = await startService({ DATA_DIR: dir, ADMIN_PASSWORD: randomBytes(12).toString('hex') });
    try {
      const m = await watch(service.child.pid!);
      rows.push(
        { case: 'embedded + demo, 1 min after first start', measured: m.atMinute, unit: 'MB', baseline: pglite, note: 'goal <= 350 MB; baseline: PGlite alone, migrated' },
        { case: `embedded + demo, peak from 1 min to ${SECONDS} s`, measured: m.peakAfter, unit: 'MB', baseline: pglite, note: 'goal <= 350 MB at any time after' },
        { case: 'embedded + demo, peak over the start', measured: m.peak, unit: 'MB', baseline: pglite },
      );
    } finally {
      await service.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(alone, { recursive: true, force: true });
  }
}

// A server-mode node with many KPIs.
{
  const db = await scratch();
  const { store, dataSourceId, secretsKey } = await seededStore(db, 10);
  try {
    await store.query(
      `INSERT INTO kpis SELECT 'kpi_mem' || lpad(i::text, 6, '0'), 'memory ' || i, 'bench', 2, (ARRAY[1, 5, 15, 60])[1 + i % 4], NULL, 'UTC', 60, 10, 'both', NULL, NULL, 'any', 4, 'mean',
              $1, 'SELECT 1 AS value', '', '', '{}', 30, 30, true, 1, now(), now() FROM generate_series(1, $2::int) AS i`, [dataSourceId, KPIS]);
    const bare = await rssOf(['-e', "require('pg'); console.log('ready'); setInterval(() => {}, 1000)"], 1000);
    log(`a server-mode node with ${KPIS} KPIs, ${SECONDS} s`);
    const service = await startService({ DATABASE_URL: urlOf(db.store), DEMO: 'false', SECRETS_KEY: secretsKey, ADMIN_PASSWORD: randomBytes(12).toString('hex') });
    try {
      const m = await watch(service.child.pid!);
      rows.push(
        { case: `server mode, ${KPIS} KPIs, peak over ${SECONDS} s`, measured: m.peak, unit: 'MB', baseline: bare, note: 'goal <= 300 MB; baseline: a bare Node process with pg loaded' },
        { case: `server mode, ${KPIS} KPIs, at the end`, measured: m.last, unit: 'MB', baseline: bare },
      );
    } finally {
      await service.stop();
    }
  } finally {
    await store.close();
    await db.drop();
  }
}

process.stdout.write(`\n${table(rows)}\n`);
