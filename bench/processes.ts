/**
 * What the process benchmarks (lag.ts, scale-out.ts, memory.ts) share: scratch databases on the
 * PostgreSQL server of the tests, a read-only user for the source, service nodes started as separate
 * processes (`monitoring-grid start`), their memory and CPU read from /proc, KPIs created through the API.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createSecretBox } from '../src/adapters/crypto/secret-box.ts';
import { createIdGenerator } from '../src/adapters/ids.ts';
import type { Db } from '../src/adapters/storage/db.ts';
import { migrate } from '../src/adapters/storage/migrate.ts';
import { openPgDb } from '../src/adapters/storage/pg-db.ts';
import { createUnitOfWork } from '../src/adapters/storage/unit-of-work.ts';
import { createDataSource } from '../src/core/datasources/datasource-commands.ts';
import { percentile } from './benchmark.ts';

export const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const urlOf = (db: string, user?: string): string => {
  const u = Object.assign(new URL(ADMIN_URL), { pathname: `/${db}` });
  if (user !== undefined) Object.assign(u, { username: user, password: '' });
  return u.toString();
};

export async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A store database, a source database and a read-only user that may read the source; dropped by `drop`. */
export async function scratch(): Promise<{ store: string; source: string; reader: string; drop(): Promise<void> }> {
  const suffix = randomBytes(4).toString('hex');
  const names = { store: `mg_bench_${suffix}`, source: `mg_bench_src_${suffix}`, reader: `mg_bench_reader_${suffix}` };
  await admin(`CREATE DATABASE ${names.store}`);
  await admin(`CREATE DATABASE ${names.source}`);
  await admin(`CREATE ROLE ${names.reader} LOGIN`);
  return {
    ...names,
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${names.store} WITH (FORCE)`);
      await admin(`DROP DATABASE IF EXISTS ${names.source} WITH (FORCE)`);
      await admin(`DROP ROLE IF EXISTS ${names.reader}`);
    },
  };
}

/**
 * A migrated store on `names.store` with one PostgreSQL data source reading `names.source` as the
 * read-only user (KPIs are then inserted with SQL by the caller); its secrets key for the nodes.
 */
export async function seededStore(names: { store: string; source: string; reader: string }, maxConnections: number): Promise<{ store: Db; dataSourceId: string; secretsKey: string }> {
  const store = openPgDb({ connectionString: urlOf(names.store), max: 4 });
  const key = randomBytes(32);
  await migrate(store);
  const clock = { now: () => new Date() };
  const src = new URL(urlOf(names.source));
  const ds = await createDataSource({ uow: createUnitOfWork(store, clock), clock, ids: createIdGenerator(clock), secrets: createSecretBox(key) },
    { name: 'bench', kind: 'postgres', host: src.hostname, port: Number(src.port || 5432), database: names.source, user: names.reader, maxConnections }, { actor: 'bench', correlationId: 'cor_bench' });
  return { store, dataSourceId: ds.id, secretsKey: key.toString('base64') };
}

/** Resident memory of a process in MB (VmRSS), null once it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]) / 1024;
  } catch {
    return null;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL server process on this machine (the store and the source are both here). */
export function postgresCpuSeconds(): number {
  const out = execFileSync('ps', ['-C', 'postgres', '-o', 'pid='], { encoding: 'utf8' });
  return out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
}

/** Samples a process's RSS every `everyMs`: the peak and the latest value. */
export function sampleRss(pid: number, everyMs = 1000): { peak(): number; last(): number; stop(): void } {
  let peak = 0;
  let last = 0;
  const take = () => {
    const v = rssMb(pid);
    if (v === null) return;
    last = v;
    peak = Math.max(peak, v);
  };
  take();
  const t = setInterval(take, everyMs);
  return { peak: () => peak, last: () => last, stop: () => clearInterval(t) };
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it wrote to stderr and stdout so far (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `monitoring-grid start` as its own process with `env`; resolves once it listens (or, as a scheduler only, once it runs). */
export async function startService(env: Record<string, string>, role: 'all' | 'scheduler' = 'all'): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [path.join(root, 'bin/monitoring-grid.js'), 'start', '--role', role], {
    cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: role === 'scheduler' ? 'info' : 'warn', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let url = '';
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${out}`);
    url = /MonitoringGrid dashboard: (http:\/\/\S+?)\/\s/.exec(out)?.[1] ?? '';
    if (role === 'scheduler' ? out.includes('MonitoringGrid is running') : url !== '') break;
    if (Date.now() > deadline) throw new Error(`the service did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child, url, output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Signs in as the administrator; returns a function that calls the API with the token. */
export async function apiAs(url: string, password: string): Promise<(method: string, route: string, body?: unknown) => Promise<unknown>> {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (!login.ok) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  let { accessToken } = (await login.json()) as { accessToken: string };
  let signedAt = Date.now();
  return async (method, route, body) => {
    if (Date.now() - signedAt > 10 * 60_000) { // the access token lasts 15 minutes
      const again = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      accessToken = ((await again.json()) as { accessToken: string }).accessToken;
      signedAt = Date.now();
    }
    const r = await fetch(`${url}/api/v1${route}`, {
      method, headers: { authorization: `Bearer ${accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!r.ok) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
    return r.status === 204 ? null : r.json();
  };
}

/** Round-trip times of the raw driver (`SELECT 1` on the source) every `everyMs`: the machine's own noise, as a baseline for lags. */
export function probeRaw(url: string, everyMs = 200): { stop(): Promise<{ p50: number; p99: number; n: number }> } {
  const c = new pg.Client({ connectionString: url });
  const times: number[] = [];
  let stopped = false;
  const loop = (async () => {
    await c.connect();
    while (!stopped) {
      const t = performance.now();
      await c.query('SELECT 1');
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await c.end();
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length };
    },
  };
}

export const fmt = (n: number): string => (Number.isNaN(n) ? '' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** The table the benchmarks print: measured, baseline from the same run, ratio. */
export function table(rows: { case: string; measured: number; unit: string; baseline?: number; note?: string }[]): string {
  const head = ['case', 'measured', 'unit', 'baseline', 'ratio', 'note'];
  const body = rows.map((r) => [r.case, fmt(r.measured), r.unit, r.baseline === undefined ? '' : fmt(r.baseline), r.baseline ? (r.measured / r.baseline).toFixed(2) : '', r.note ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
