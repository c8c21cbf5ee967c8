import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createSourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import type { ExecutionRecorded } from '../../src/core/executions/ports.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

const meta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock();
const sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
let store: TestStore;
let m: MonitoredDb;
let dsId: string;

beforeAll(async () => {
  store = await createTestStore();
  m = await createSqliteSource();
  dsId = (await createDataSource(commandDeps(store, clock), { name: 'file', ...(m.dataSource as object) }, meta)).id;
}, 60_000);
afterAll(async () => {
  await sources.close();
  await store.close();
  await m.close();
});

const depsWith = (listener: (tx: Parameters<ExecutionDeps["listeners"][number]>[0], r: ExecutionRecorded) => Promise<void>): ExecutionDeps & CommandDeps => ({
  ...commandDeps(store, clock), sources, nodeId: 'nod_test', alertPolicy: DEFAULT_ALERT_POLICY, listeners: [listener],
});

describe('the ExecutionRecorded hook (where alerting plugs in)', () => {
  it('gets the KPI, the judged series and the events, inside the recording transaction', async () => {
    const seen: ExecutionRecorded[] = [];
    let rowsInTx = -1;
    const deps = depsWith(async (tx, r) => {
      seen.push(r);
      rowsInTx = (await tx.executions.summaries([r.kpi.id])).length;
    });
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: 'SELECT 5 AS value', maxThreshold: 3, pendingExecutions: 1 }), meta);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ trigger: 'manual', kpi: { id: kpi.id }, result: { status: 'success', series: [{ value: 5, outcome: { kind: 'breach', reasons: [{ rule: 'max_threshold', limit: 3, value: 5 }] }, incident: 'opened', anomalous: true }] } });
    expect(seen[0]!.events.map((e) => e.type)).toEqual(['KpiBreachBegan']);
    expect(rowsInTx).toBe(1);
  });

  it('a listener that fails rolls the whole run back: no history, no events', async () => {
    const deps = depsWith(async () => {
      throw new Error('alert store unavailable');
    });
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: 'SELECT 5 AS value', maxThreshold: 3 }), meta);
    await expect(executeNow(deps, kpi.id, { dryRun: false, actor: 'test' })).rejects.toThrow('alert store unavailable');
    expect((await store.db.query('SELECT id FROM executions WHERE kpi_id = $1', [kpi.id])).rows).toEqual([]);
    expect((await readStream(store.db, `kpi-${kpi.id}`)).map((e) => e.type)).toEqual(['KpiCreated']);
  });

  it('a dry run calls no listener', async () => {
    let called = false;
    const deps = depsWith(async () => void (called = true));
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: dsId, query: 'SELECT count(*) AS value FROM account_transactions' }), meta);
    await expect(executeNow(deps, kpi.id, { dryRun: true, actor: 'test' })).resolves.toMatchObject({ result: { series: [{ value: 0 }] } });
    expect(called).toBe(false);
  });
});
