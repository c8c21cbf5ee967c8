/**
 * The scheduling lag under a realistic load (issue 15): LAG_KPIS KPIs (default 10,000) created through
 * the API of one server-mode node (`monitoring-grid start` on PostgreSQL, its own process), at 1-, 5-,
 * 15- and 60-minute frequencies and cron schedules, a tenth with several series, some failing, running
 * for LAG_MINUTES (default 15). Prints the lag (run start - planned start, which is the slot plus the
 * KPI's spread offset: core/kpis/spread.ts) p50/p99 beside the raw driver's
 * round trip on the same machine at the same time, the slots missed beside the slots due, and the
 * node's memory beside a bare Node process. `npx tsx bench/lag.ts` (LAG_KPIS=1000 LAG_MINUTES=3 to try it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { kpiSchedule } from '../src/core/kpis/kpi.ts';
import { nextSlot } from '../src/core/kpis/schedule.ts';
import { DEFAULT_SPREAD, plannedStart } from '../src/core/kpis/spread.ts';
import { percentile } from './benchmark.ts';
import { apiAs, probeRaw, rssMb, sampleRss, scratch, startService, table, urlOf } from './processes.ts';

const N = Number(process.env.LAG_KPIS ?? 10_000);
const MINUTES = Number(process.env.LAG_MINUTES ?? 15);
const log = (m: string) => process.stderr.write(`  ${m}\n`);

/** The mix of the issue: frequencies and crons, a tenth keyed (5 series), one in fifty failing. */
function kpiInput(i: number, dataSourceId: string): Record<string, unknown> {
  const schedules: Record<string, unknown>[] = [
    { frequencyMinutes: 1 }, { frequencyMinutes: 5 }, { frequencyMinutes: 5 }, { frequencyMinutes: 15 }, { frequencyMinutes: 15 },
    { frequencyMinutes: 60 }, { frequencyMinutes: 60 }, { frequencyMinutes: 15 },
    { frequencyMinutes: null, cron: '*/2 * * * *', timezone: 'UTC' }, { frequencyMinutes: null, cron: '3,33 * * * *', timezone: 'Europe/Berlin' },
  ];
  const query = i % 50 === 7 ? 'SELECT value FROM no_such_table'
    : i % 10 === 3 ? "SELECT 'region ' || g AS key, g * 10 + (random() * 2)::int AS value FROM generate_series(1, 5) AS g"
      : 'SELECT 100 + (random() * 5)::int AS value';
  return { indicator: `lag ${i}`, owner: 'bench', priority: 2, dataSourceId, query, contactIds: [], timeoutSeconds: 30, ...schedules[i % schedules.length] };
}

async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', "require('pg'); setInterval(() => {}, 1000)"], { stdio: 'ignore', cwd: process.cwd() });
  await new Promise((r) => setTimeout(r, 1500));
  const rss = rssMb(child.pid!) ?? NaN;
  child.kill();
  return rss;
}

const db = await scratch();
const password = randomBytes(12).toString('hex');
let service: Awaited<ReturnType<typeof startService>> | null = null;
try {
  service = await startService({ DATABASE_URL: urlOf(db.store), ADMIN_PASSWORD: password, DEMO: 'false', AUTH_RATE_LIMIT: '100000', SECRETS_KEY: randomBytes(32).toString('base64') });
  const api = await apiAs(service.url, password);
  const src = new URL(urlOf(db.source));
  const ds = (await api('POST', '/datasources', { name: 'bench', kind: 'postgres', host: src.hostname, port: Number(src.port || 5432), database: db.source, user: db.reader, maxConnections: 10 })) as { id: string };
  log(`creating ${N} KPIs through the API`);
  const createdAt = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < N) await api('POST', '/kpis', kpiInput(next++, ds.id));
  }));
  log(`created in ${((Date.now() - createdAt) / 1000).toFixed(0)} s; running ${MINUTES} minutes`);
  // Measured from the first whole minute after the KPIs exist, to the end less two minutes (runs of the last slots may still be going).
  const from = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  const until = new Date(from.getTime() + MINUTES * 60_000);
  const rss = sampleRss(service.child.pid!, 2000);
  const probe = probeRaw(urlOf(db.source, db.reader));
  await new Promise((r) => setTimeout(r, until.getTime() + 60_000 - Date.now()));
  const raw = await probe.stop();
  rss.stop();
  await service.stop();
  service = null;

  const store = new pg.Client({ connectionString: urlOf(db.store) });
  await store.connect();
  const kpis = (await store.query<{ id: string; frequency_minutes: number | null; cron: string | null; timezone: string }>('SELECT id, frequency_minutes, cron, timezone FROM kpis')).rows;
  const runs = (await store.query<{ kpi_id: string; slot_at: Date; started_at: Date; status: string }>(
    "SELECT kpi_id, slot_at, started_at, status FROM executions WHERE trigger = 'schedule' AND slot_at >= $1 AND slot_at < $2",
    [from, until],
  )).rows;
  const duplicates = (await store.query<{ n: number }>("SELECT count(*)::int AS n FROM (SELECT kpi_id, slot_at FROM executions WHERE trigger = 'schedule' GROUP BY kpi_id, slot_at HAVING count(DISTINCT run_id) > 1) x")).rows[0]!.n;
  await store.end();
  const seen = new Set(runs.map((r) => `${r.kpi_id} ${new Date(r.slot_at).getTime()}`));
  let due = 0;
  let missed = 0;
  for (const k of kpis) {
    const schedule = kpiSchedule({ frequencyMinutes: k.frequency_minutes, cron: k.cron, timezone: k.timezone });
    for (let s = nextSlot(schedule, new Date(from.getTime() - 1)); s < until; s = nextSlot(schedule, s)) {
      due++;
      if (!seen.has(`${k.id} ${s.getTime()}`)) missed++;
    }
  }
  // The node spreads runs inside their period (DEFAULT_SPREAD): lag counts from each run's planned start.
  const schedules = new Map(kpis.map((k) => [k.id, kpiSchedule({ frequencyMinutes: k.frequency_minutes, cron: k.cron, timezone: k.timezone })]));
  const lags = runs.map((r) => new Date(r.started_at).getTime() - plannedStart(schedules.get(r.kpi_id)!, r.kpi_id, new Date(r.slot_at), DEFAULT_SPREAD).getTime());
  const bare = await bareNodeRss();
  const failed = runs.filter((r) => r.status !== 'success').length;
  log(`${runs.length} scheduled runs (${failed} not successful) for ${due} slots due; raw probe ${raw.n} round trips`);
  process.stdout.write(`\n${table([
    { case: `lag p50 (from the planned start), ${N} KPIs, ${MINUTES} min`, measured: percentile(lags, 50), unit: 'ms', baseline: raw.p50, note: 'baseline: raw pg SELECT 1 round trip p50, same time' },
    { case: 'lag p99', measured: percentile(lags, 99), unit: 'ms', baseline: raw.p99, note: 'goal <= 1,000 ms; baseline: raw round trip p99' },
    { case: 'lag max', measured: Math.max(...lags), unit: 'ms' },
    { case: 'slots missed', measured: missed, unit: 'slots', baseline: due, note: 'goal 0; baseline: slots due in the window' },
    { case: 'slots run twice', measured: duplicates, unit: 'slots', note: 'goal 0' },
    { case: 'node RSS peak', measured: rss.peak(), unit: 'MB', baseline: bare, note: 'goal <= 300 MB; baseline: a bare Node process with pg loaded' },
    { case: 'node RSS at the end', measured: rss.last(), unit: 'MB', baseline: bare },
  ])}\n`);
} finally {
  await service?.stop();
  await db.drop();
}
