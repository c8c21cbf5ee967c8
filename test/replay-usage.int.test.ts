import { DEFAULT_ALERT_POLICY } from '../src/core/alerts/judgement.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../src/adapters/audit/audit-projection.ts';
import { defaultAlertSettings } from '../src/adapters/delivery/alerting.ts';
import { replay } from '../src/adapters/replay/replay.ts';
import { createScheduler } from '../src/adapters/scheduler/scheduler.ts';
import { NO_SPREAD } from '../src/core/kpis/spread.ts';
import { createSourceRegistry } from '../src/adapters/sources/source-registry.ts';
import { migrate } from '../src/adapters/storage/migrate.ts';
import { openDb } from '../src/adapters/storage/open-db.ts';
import { alertOnExecutions } from '../src/core/alerts/from-execution.ts';
import type { ExecutionDeps } from '../src/core/executions/execute-now.ts';
import { buildTestApp, commandDeps, type TestApp } from './helpers/app.ts';
import { cliArgs } from './helpers/cli.ts';
import { testClock } from './helpers/clock.ts';
import { buildContact, buildKpi } from './helpers/factories.ts';
import { createSqliteSource, generateRows, TEST_SOURCE_OPTIONS, type MonitoredDb } from './helpers/monitored.ts';
import { createTestStore, storeKind, type TestStore } from './helpers/store.ts';
import { settle } from './helpers/subscriptions.ts';

/**
 * A store used as a user uses it, over a quarter of an hour of a moved clock: creations and edits,
 * scheduled and manual runs that breach and fail, alerts acknowledged and resolved by hand and by
 * recovery. `monitoring-grid replay` must find it consistent (exit 0), and a tampered row (exit 1).
 * On PGlite the store lives in a DATA_DIR, so that the command opens the same files.
 */
const MINUTE = 60_000;
const clock = testClock('2026-03-02T09:00:10Z');
let dataDir: string | null = null;
let store: TestStore;
let t: TestApp;
let m: MonitoredDb;
let appClosed = false;

async function openStore(): Promise<TestStore> {
  if (storeKind() === 'postgres') return createTestStore();
  dataDir ??= mkdtempSync(path.join(tmpdir(), 'mg-replay-usage-'));
  const db = await openDb({ databaseUrl: null, dataDir });
  await migrate(db);
  return { db, kind: 'pglite', url: null, openAnother: () => { throw new Error('one process'); }, close: () => db.close() };
}

function replayCommand(): { status: number | null; stdout: string; stderr: string } {
  const { DATABASE_URL: _unset, ...rest } = process.env;
  const env = { ...rest, LOG_LEVEL: 'silent', ...(store.url ? { DATABASE_URL: store.url } : { DATA_DIR: dataDir! }) };
  return spawnSync(process.execPath, cliArgs('replay'), { env, encoding: 'utf8', timeout: 120_000 });
}

const api = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
  const r = await t.inject({ method, url: `/api/v1${url}`, ...(payload === undefined ? {} : { payload: payload as object }) });
  expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
  return r.statusCode === 204 ? null : r.json();
};

beforeAll(async () => {
  store = await openStore();
  m = await createSqliteSource();
  const base = commandDeps(store, clock);
  const sources = createSourceRegistry({ secrets: base.secrets, env: () => undefined, ...TEST_SOURCE_OPTIONS });
  const exec: ExecutionDeps = {
    ...base, sources, nodeId: 'nod_usage', alertPolicy: DEFAULT_ALERT_POLICY,
    listeners: [alertOnExecutions({ clock, ids: base.ids, settings: defaultAlertSettings() })],
  };
  t = await buildTestApp({ store, clock, overrides: { ...base, execution: exec } });
  // Runs at their slots (no spread): the story steps whole minutes.
  const scheduler = createScheduler({ db: store.db, exec }, { maxParallel: 2, heartbeatIntervalMs: 1000, spread: NO_SPREAD });
  const minute = async () => {
    clock.advance(MINUTE);
    while ((await scheduler.tick()) > 0) await scheduler.idle();
    await scheduler.idle();
  };

  const ds = await api('POST', '/datasources', { name: 'shop file', ...m.dataSource });
  const down = await api('POST', '/datasources', { name: 'down', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'x', password: 'secret' });
  const ann = await api('POST', '/contacts', buildContact({ name: 'Ann' }));
  const bob = await api('POST', '/contacts', buildContact({ name: 'Bob' }));
  const count = await api('POST', '/kpis', buildKpi({ dataSourceId: ds.id, contactIds: [ann.id], frequencyMinutes: 1, sensitivity: null, maxThreshold: 3, cooldownMinutes: 0, query: 'SELECT count(*) AS value, count(*) AS historical FROM account_transactions' }));
  const failing = await api('POST', '/kpis', buildKpi({ dataSourceId: down.id, contactIds: [bob.id], frequencyMinutes: 1, failingAfterFailures: 2 }));
  await minute(); // 09:01: both run; the count is 0 (fine), the other fails
  await api('PATCH', `/kpis/${count.id}`, { owner: 'treasury' });
  await api('PATCH', `/contacts/${bob.id}`, { email: 'bob@example.com' });
  await m.insert(generateRows(5, new Date('2026-03-02T08:00:00Z'), 30));
  await minute(); // 09:02: the count breaches (an alert opens); the second failure to connect opens the owner's "data source unreachable" alert
  await minute();
  await api('POST', `/kpis/${count.id}/execute`); // a manual run in the breach
  const open = (await api('GET', '/alerts?status=open')).items as { id: string; kind: string }[];
  expect(open.map((a) => a.kind).sort()).toEqual(['breach', 'unreachable']);
  await minute();
  await api('POST', `/alerts/${open.find((a) => a.kind === 'breach')!.id}/acknowledge`, { note: 'looking' });
  await minute();
  await api('POST', `/alerts/${open.find((a) => a.kind === 'unreachable')!.id}/resolve`, { note: 'replica moved' });
  await api('POST', `/kpis/${failing.id}/deactivate`);
  await api('PATCH', `/datasources/${down.id}`, { statementTimeoutMs: 5000 });
  await minute();
  await api('PATCH', `/kpis/${count.id}`, { maxThreshold: 10 }); // back to normal from the next run on
  for (let i = 0; i < 6; i++) await minute();
  await api('POST', `/kpis/${failing.id}/activate`);
  await api('DELETE', `/kpis/${failing.id}`);
  await api('DELETE', `/contacts/${bob.id}`);
  await minute();
  expect((await api('GET', '/alerts?status=resolved')).items).toHaveLength(2);
  await scheduler.stop(0);
  await settle(createAuditProjection(store.db));
}, 240_000);
afterAll(async () => {
  if (!appClosed) await t?.close();
  await store?.close().catch(() => undefined); // PGlite: closed already by the test
  await m?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('replay on a store used for a quarter of an hour', () => {
  it('rebuilds every read model identically, in process', async () => {
    const report = await replay(store.db);
    expect(report.differences).toEqual([]);
    expect(report.tables.find((x) => x.table === 'kpis')?.rows).toBe(1);
  });

  it('monitoring-grid replay exits 0 on it, and 1 once a row is tampered with', async () => {
    const tamper = async () => {
      const { rows } = await store.db.query<{ id: string }>("UPDATE kpis SET owner = 'mallory' RETURNING id");
      expect(rows).toHaveLength(1);
    };
    if (storeKind() === 'pglite') {
      await t.close();
      appClosed = true;
      await store.close();
    }
    const clean = replayCommand();
    expect(clean.stdout, clean.stderr).toContain('the read models match the event store');
    expect(clean.status).toBe(0);
    if (storeKind() === 'pglite') {
      store = await openStore();
      await tamper();
      await store.close();
    } else {
      await tamper();
    }
    const broken = replayCommand();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/kpis kpi_\w+:\n {2}owner: live "mallory", rebuilt from events "treasury"/);
  }, 240_000);
});
