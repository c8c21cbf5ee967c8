/**
 * Benchmark: what authentication costs. An authenticated `GET /api/v1/kpis/{id}` (X-API-Key, scope
 * kpi:read) against bare public routes returning the same payload, in the same run with the same load
 * generator (autocannon), measured in alternating rounds so that drift hits every variant alike:
 *   - `bare (store)`:  the same KPI read from the store, no authentication: isolates what auth adds;
 *   - `bare (memory)`: the same JSON from memory: the ceiling of the HTTP stack;
 *   - `authenticated, no cache`: a second app on the same store that looks the key up on every request
 *     (why the key cache exists).
 * Goal: authenticated / bare (store) >= 0.8 in requests per second.
 *
 * Run by itself: `npx tsx bench/auth.ts` (env BENCH_SECONDS per measurement, default 5; BENCH_STORE
 * postgres|pglite, default postgres, the multi-node setup). Needs the PostgreSQL server of the tests.
 */
import autocannon from 'autocannon';
import { pathToFileURL } from 'node:url';
import { buildApp } from '../src/adapters/http/app.ts';
import { createAuthDeps } from '../src/adapters/http/auth-deps.ts';
import { KpiView } from '../src/adapters/http/schemas/kpi.ts';
import { createApiKey } from '../src/core/auth/api-key-commands.ts';
import { createDataSource } from '../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../src/core/kpis/kpi-commands.ts';
import { buildDataSource, buildKpi } from '../test/helpers/factories.ts';
import { commandDeps, testExecution } from '../test/helpers/app.ts';
import { createTestStore, type StoreKind } from '../test/helpers/store.ts';

export interface Measurement {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
}

export interface AuthBenchResult {
  readonly store: StoreKind;
  readonly measurements: readonly Measurement[];
  /** authenticated / bare (store), requests per second. */
  readonly ratio: number;
  readonly ratioToMemory: number;
  readonly ratioUncached: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections: 10, duration: seconds });
}

export async function runAuthBench(opts: { seconds?: number; store?: StoreKind; rounds?: number } = {}): Promise<AuthBenchResult> {
  const seconds = opts.seconds ?? 5;
  const store = await createTestStore(opts.store ?? 'postgres');
  const base = { db: store.db, ...commandDeps(store) };
  const wired = testExecution(base);
  const deps = { ...base, execution: wired.execution, inspector: wired.sources };
  const meta = { actor: 'bench', correlationId: 'cor_bench' };
  const app = await buildApp(deps);
  const uncached = await buildApp({ ...deps, auth: { cacheApiKeys: false } });
  try {
    const ds = await createDataSource(deps, buildDataSource(), meta);
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id }), meta);
    const { key } = await createApiKey(createAuthDeps(store.db, deps.clock, deps.ids), { name: 'bench', scopes: ['kpi:read'] }, meta);
    const schema = { response: { 200: KpiView } };
    app.get('/bench/store/:id', { config: { access: 'public' }, schema }, async (request) =>
      deps.uow.read.kpis.get((request.params as { id: string }).id));
    app.get('/bench/memory/:id', { config: { access: 'public' }, schema }, async () => kpi);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const uncachedBase = await uncached.listen({ port: 0, host: '127.0.0.1' });
    const variants: { name: string; url: string; headers: Record<string, string> }[] = [
      { name: 'bare (memory)', url: `${base}/bench/memory/${kpi.id}`, headers: {} },
      { name: 'bare (store)', url: `${base}/bench/store/${kpi.id}`, headers: {} },
      { name: 'authenticated', url: `${base}/api/v1/kpis/${kpi.id}`, headers: { 'x-api-key': key } },
      { name: 'authenticated, no cache', url: `${uncachedBase}/api/v1/kpis/${kpi.id}`, headers: { 'x-api-key': key } },
    ];
    for (const v of variants) await load(v.url, v.headers, 1); // warm-up: JIT, pool, plan caches
    const runs = new Map<string, autocannon.Result[]>(variants.map((v) => [v.name, []]));
    for (let round = 0; round < (opts.rounds ?? 2); round++) {
      for (const v of variants) runs.get(v.name)!.push(await load(v.url, v.headers, seconds));
    }
    const measurements = variants.map((v): Measurement => {
      const rs = runs.get(v.name)!;
      const avg = (f: (r: autocannon.Result) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
      return { name: v.name, requestsPerSecond: avg((r) => r.requests.average), p99Ms: avg((r) => r.latency.p99), non2xx: rs.reduce((s, r) => s + r.non2xx, 0) };
    });
    const rps = (name: string) => measurements.find((m) => m.name === name)!.requestsPerSecond;
    return {
      store: store.kind, measurements,
      ratio: rps('authenticated') / rps('bare (store)'),
      ratioToMemory: rps('authenticated') / rps('bare (memory)'),
      ratioUncached: rps('authenticated, no cache') / rps('bare (store)'),
    };
  } finally {
    await uncached.close();
    await app.close();
    await wired.sources.close();
    await store.close();
  }
}

export function formatAuthBench(r: AuthBenchResult): string {
  const rows = r.measurements.map((m) => `| ${m.name} | ${Math.round(m.requestsPerSecond)} | ${m.p99Ms.toFixed(1)} | ${m.non2xx} |`);
  return [
    `auth benchmark on ${r.store}: GET /api/v1/kpis/{id} with X-API-Key vs bare routes, autocannon, 10 connections`,
    '| variant | req/s | p99 ms | non-2xx |', '|---|---|---|---|', ...rows,
    `ratio authenticated / bare (store): ${r.ratio.toFixed(2)} (goal >= 0.8); authenticated / bare (memory): ${r.ratioToMemory.toFixed(2)}; no cache / bare (store): ${r.ratioUncached.toFixed(2)}`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const store = process.env.BENCH_STORE === 'pglite' ? 'pglite' : 'postgres';
  const result = await runAuthBench({ seconds: Number(process.env.BENCH_SECONDS ?? 5), store });
  process.stdout.write(`${formatAuthBench(result)}\n`);
}
