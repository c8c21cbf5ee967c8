import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createSourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { claimDue, syncSchedules } from '../../src/adapters/storage/kpi-runs.repo.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import type { DataSource } from '../../src/core/datasources/datasource.ts';
import { evaluateKpi } from '../../src/core/executions/evaluate.ts';
import { planFor } from '../../src/core/executions/judge-series.ts';
import type { ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import type { Claim } from '../../src/core/executions/lease.ts';
import type { ExecutionRecorded } from '../../src/core/executions/ports.ts';
import { recordLeased } from '../../src/core/executions/record.ts';
import { createKpi, updateKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock('2026-03-02T09:00:30Z');
const sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
let store: TestStore;
let m: MonitoredDb;
let ds: DataSource;
let deps: ExecutionDeps & CommandDeps;
const recorded: ExecutionRecorded[] = [];

beforeAll(async () => {
  store = await createTestStore();
  m = await createSqliteSource();
  ds = await createDataSource(commandDeps(store, clock), { name: 'file', ...(m.dataSource as object) }, meta);
  deps = {
    ...commandDeps(store, clock), sources, nodeId: 'nod_test', alertPolicy: DEFAULT_ALERT_POLICY,
    listeners: [async (_tx, r) => void recorded.push(r)],
  };
}, 60_000);
afterAll(async () => {
  await sources.close();
  await store.close();
  await m.close();
});

/** Creates KPIs due every minute and claims their next slot as a node would. */
async function claimed(queries: string[]): Promise<Claim[]> {
  const kpis = [];
  for (const query of queries) kpis.push(await createKpi(deps, buildKpi({ dataSourceId: ds.id, query, frequencyMinutes: 1 }), meta));
  await syncSchedules(store.db, clock.now());
  clock.advance(60_000);
  const claims = await claimDue(store.db, { nodeId: 'nod_test', now: clock.now(), limit: 100, leaseGraceMs: 30_000, token: () => `lease_${randomBytes(6).toString('hex')}` });
  const ids = new Set(kpis.map((k) => k.id));
  return claims.filter((c) => ids.has(c.kpi.id)).sort((a, b) => queries.indexOf(a.kpi.query) - queries.indexOf(b.kpi.query));
}

const evaluate = (c: Claim) => evaluateKpi(deps, c.kpi, ds, { trigger: 'schedule', windowEnd: c.slot });
const historyOf = async (kpiId: string) =>
  (await store.db.query<{ status: string; value: number | null; error: string | null }>('SELECT status, value, error FROM executions WHERE kpi_id = $1 ORDER BY id', [kpiId])).rows;
const leaseOf = async (kpiId: string) =>
  (await store.db.query<{ lease_token: string | null; last_status: string | null }>('SELECT lease_token, last_status FROM kpi_runs WHERE kpi_id = $1', [kpiId])).rows[0];

describe('recordings committed together (recordLeased)', () => {
  it('a lease taken over in the middle of a batch loses only that run; the others are recorded with their events and listeners', async () => {
    const claims = await claimed(['SELECT 11 AS value', 'SELECT 12 AS value', 'SELECT 13 AS value']);
    expect(claims).toHaveLength(3);
    const items = await Promise.all(claims.map(async (c) => ({ kpi: c.kpi, evaluation: await evaluate(c), fence: { leaseToken: c.leaseToken } })));
    await store.db.query("UPDATE kpi_runs SET lease_token = 'lease_of_another_node' WHERE kpi_id = $1", [claims[1]!.kpi.id]);
    recorded.length = 0;
    expect(await recordLeased(deps, items)).toEqual(['recorded', 'lease_lost', 'recorded']);
    expect(await historyOf(claims[0]!.kpi.id)).toEqual([{ status: 'success', value: 11, error: null }]);
    expect(await historyOf(claims[1]!.kpi.id)).toEqual([]);
    expect(await historyOf(claims[2]!.kpi.id)).toEqual([{ status: 'success', value: 13, error: null }]);
    expect(await leaseOf(claims[0]!.kpi.id)).toEqual({ lease_token: null, last_status: 'success' });
    expect(await leaseOf(claims[1]!.kpi.id)).toEqual({ lease_token: 'lease_of_another_node', last_status: null });
    expect(recorded.map((r) => [r.kpi.id, r.previous.lastStatus])).toEqual([[claims[0]!.kpi.id, null], [claims[2]!.kpi.id, null]]);
    // Look-ups of concurrent runs share one query; each run gets its own KPI's past, none another's.
    const next = (c: Claim) => planFor(c.kpi, new Date(c.slot.getTime() + 60_000)).plan;
    const pasts = await Promise.all(claims.map((c) => deps.uow.read.executions.seriesHistory(c.kpi.id, [''], next(c))));
    expect(pasts.map((p) => p.get('')?.refs.recent.map((x) => x.value) ?? null)).toEqual([[11], null, [13]]);
  });

  it('a run the store refuses fails alone: it is recorded as failed, saying why, and the rest of its batch as they were', async () => {
    const long = randomBytes(4_000).toString('hex');
    const claims = await claimed(['SELECT 21 AS value', `SELECT '${long}' AS key, 22 AS value`, 'SELECT 23 AS value']);
    const items = await Promise.all(claims.map(async (c) => ({ kpi: c.kpi, evaluation: await evaluate(c), fence: { leaseToken: c.leaseToken } })));
    expect(await recordLeased(deps, items)).toEqual(['recorded', 'recorded', 'recorded']);
    expect(await historyOf(claims[0]!.kpi.id)).toEqual([{ status: 'success', value: 21, error: null }]);
    expect(await historyOf(claims[1]!.kpi.id)).toEqual([{ status: 'failed', value: null, error: expect.stringMatching(/^the run could not be recorded: index row .* exceeds/) }]);
    expect(await historyOf(claims[2]!.kpi.id)).toEqual([{ status: 'success', value: 23, error: null }]);
    for (const c of claims) expect((await leaseOf(c.kpi.id))?.lease_token).toBeNull();
  });

  it('refuses two runs of one KPI in one batch (one lease per KPI)', async () => {
    const [c] = await claimed(['SELECT 31 AS value']);
    const item = { kpi: c!.kpi, evaluation: await evaluate(c!), fence: { leaseToken: c!.leaseToken } };
    await expect(recordLeased(deps, [item, item])).rejects.toThrow('one run per KPI');
    expect(await historyOf(c!.kpi.id)).toEqual([]);
  });
});

describe('the schedule sync reads only what changed', () => {
  it('a second sync with nothing changed does nothing; a changed schedule is synced once; a deactivated KPI is not scheduled', async () => {
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id, query: 'SELECT 41 AS value', frequencyMinutes: 5 }), meta);
    await syncSchedules(store.db, clock.now());
    expect(await syncSchedules(store.db, clock.now())).toBe(0);
    const flagged = async () => Number((await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kpis WHERE schedule_dirty')).rows[0]!.n);
    expect(await flagged()).toBe(0);
    const before = (await store.db.query<{ next_run_at: Date }>('SELECT next_run_at FROM kpi_runs WHERE kpi_id = $1', [kpi.id])).rows[0]!.next_run_at;
    const changed = await updateKpi(deps, kpi.id, { frequencyMinutes: 60 }, undefined, meta);
    expect(await flagged()).toBe(1);
    expect(await syncSchedules(store.db, clock.now())).toBe(1);
    const after = (await store.db.query<{ next_run_at: Date; kpi_version: number; schedule_signature: string }>('SELECT next_run_at, kpi_version, schedule_signature FROM kpi_runs WHERE kpi_id = $1', [kpi.id])).rows[0]!;
    expect(after.kpi_version).toBe(changed.version);
    expect(JSON.parse(after.schedule_signature)).toEqual({ kind: 'interval', frequencyMinutes: 60 });
    expect(new Date(after.next_run_at).getTime()).not.toBe(new Date(before).getTime());
    expect(await syncSchedules(store.db, clock.now())).toBe(0);
    await updateKpi(deps, kpi.id, { active: false }, undefined, meta);
    expect(await syncSchedules(store.db, clock.now())).toBe(0);
    expect(await flagged()).toBe(0);
  });
});
