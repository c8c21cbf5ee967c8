import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { defaultAlertSettings } from '../../src/adapters/delivery/alerting.ts';
import { createSourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { alertOnExecutions } from '../../src/core/alerts/from-execution.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { evaluateKpi } from '../../src/core/executions/evaluate.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { recordExecution } from '../../src/core/executions/record.ts';
import { createKpi, updateKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildContact, buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

/** A run recorded by the execution side opens, keeps and resolves alerts in the same transaction. */
const meta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock();
const sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
let store: TestStore;
let m: MonitoredDb;
let deps: ExecutionDeps & CommandDeps;

beforeAll(async () => {
  store = await createTestStore();
  m = await createSqliteSource();
  const base = commandDeps(store, clock);
  deps = { ...base, sources, nodeId: 'nod_test', alertPolicy: DEFAULT_ALERT_POLICY, listeners: [alertOnExecutions({ clock: base.clock, ids: base.ids, settings: defaultAlertSettings() })] };
}, 60_000);
afterAll(async () => {
  await sources.close();
  await store.close();
  await m.close();
});

const alertsOf = async (kpiId: string) =>
  (await store.db.query<{ status: string; kind: string; value: number }>('SELECT status, kind, value FROM alerts WHERE kpi_id = $1 ORDER BY opened_at', [kpiId])).rows;
const notificationsOf = async (kpiId: string) =>
  (await store.db.query<{ purpose: string; recipient: string }>('SELECT purpose, recipient FROM notifications WHERE kpi_id = $1 ORDER BY purpose, recipient', [kpiId])).rows;

describe('alerting on recorded executions', () => {
  it('a breaching run opens an alert with notifications; a normal run resolves it with a recovery', async () => {
    const ds = await createDataSource(deps, { name: 'file', ...(m.dataSource as object) }, meta);
    const contact = await createContact(deps, buildContact({ email: 'ops@example.com' }), meta);
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id, contactIds: [contact.id], query: 'SELECT 5 AS value, 5 AS historical', sensitivity: null, maxThreshold: 3, cooldownMinutes: 0, pendingExecutions: 1, resolveAfterExecutions: 1 }), meta);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect(await alertsOf(kpi.id)).toEqual([{ status: 'open', kind: 'breach', value: 5 }]);
    expect(await notificationsOf(kpi.id)).toEqual([{ purpose: 'opened', recipient: 'ops@example.com' }]);

    clock.advance(60_000);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect(await alertsOf(kpi.id)).toHaveLength(1);

    clock.advance(60_000);
    const current = (await deps.uow.read.kpis.get(kpi.id))!;
    await updateKpi(deps, kpi.id, { maxThreshold: 10 }, current.version, meta);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect((await alertsOf(kpi.id)).map((a) => a.status)).toEqual(['resolved']);
    expect(await notificationsOf(kpi.id)).toEqual([{ purpose: 'opened', recipient: 'ops@example.com' }, { purpose: 'resolved', recipient: 'ops@example.com' }]);
  });

  it("a manual run's alert events name its caller, as the run's own event does; a scheduled run's name the scheduler", async () => {
    const ds = await createDataSource(deps, { name: 'file-actor', ...(m.dataSource as object) }, meta);
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id, query: 'SELECT 5 AS value, 5 AS historical', sensitivity: null, maxThreshold: 3, cooldownMinutes: 0, pendingExecutions: 1, resolveAfterExecutions: 1 }), meta);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'key_caller' });
    const actors = async (streamLike: string) => (await store.db.query<{ type: string; actor: string }>(
      "SELECT type, metadata->>'actor' AS actor FROM events WHERE stream_id LIKE $1 ORDER BY position", [streamLike],
    )).rows;
    expect(await actors(`kpi-${kpi.id}`)).toEqual([{ type: 'KpiCreated', actor: 'test' }, { type: 'KpiBreachBegan', actor: 'key_caller' }]);
    const [alert] = await store.db.query<{ id: string }>('SELECT id FROM alerts WHERE kpi_id = $1', [kpi.id]).then((r) => r.rows);
    expect(await actors(`alert-${alert!.id}`)).toEqual([{ type: 'AlertOpened', actor: 'key_caller' }]);

    const scheduled = await createKpi(deps, buildKpi({ dataSourceId: ds.id, query: 'SELECT 5 AS value, 5 AS historical', maxThreshold: 3, pendingExecutions: 1 }), meta);
    const evaluation = await evaluateKpi(deps, scheduled, ds, { trigger: 'schedule', windowEnd: clock.now() });
    await recordExecution(deps, scheduled, evaluation);
    const [other] = await store.db.query<{ id: string }>('SELECT id FROM alerts WHERE kpi_id = $1', [scheduled.id]).then((r) => r.rows);
    expect(await actors(`alert-${other!.id}`)).toEqual([{ type: 'AlertOpened', actor: 'system:scheduler' }]);
  });

  it('a dry run judges without opening anything', async () => {
    const ds = await createDataSource(deps, { name: 'file-dry', ...(m.dataSource as object) }, meta);
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id, query: 'SELECT 5 AS value', maxThreshold: 3 }), meta);
    await expect(executeNow(deps, kpi.id, { dryRun: true, actor: 'test' })).resolves.toMatchObject({ result: { series: [{ outcome: { kind: 'breach' } }] } });
    expect(await alertsOf(kpi.id)).toEqual([]);
  });
});
