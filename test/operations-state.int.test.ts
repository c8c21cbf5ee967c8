import { DEFAULT_ALERT_POLICY } from '../src/core/alerts/judgement.ts';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../src/adapters/crypto/secret-box.ts';
import { createAlertWorker } from '../src/adapters/delivery/alert-worker.ts';
import { operationsHealth } from '../src/adapters/http/operations-health.ts';
import { createMetrics, type Metrics } from '../src/adapters/observability/metrics.ts';
import { observeAppends, observeExecutions } from '../src/adapters/observability/observers.ts';
import { storeScrapeSources } from '../src/adapters/observability/store-gauges.ts';
import { createScheduler } from '../src/adapters/scheduler/scheduler.ts';
import { NO_SPREAD } from '../src/core/kpis/spread.ts';
import { createSourceRegistry, type SourceRegistry } from '../src/adapters/sources/source-registry.ts';
import { claimDue } from '../src/adapters/storage/kpi-runs.repo.ts';
import { createUnitOfWork } from '../src/adapters/storage/unit-of-work.ts';
import { createContact } from '../src/core/contacts/contact-commands.ts';
import { createDataSource } from '../src/core/datasources/datasource-commands.ts';
import type { ExecutionDeps } from '../src/core/executions/execute-now.ts';
import { createKpi } from '../src/core/kpis/kpi-commands.ts';
import type { DomainEvent } from '../src/core/events.ts';
import { alertFixture, breach, meta, MINUTE, notifierFor } from './alerts/fixture.ts';
import { commandDeps } from './helpers/app.ts';
import { testClock } from './helpers/clock.ts';
import { buildContact, buildKpi } from './helpers/factories.ts';
import { createPostgresSource, TEST_SOURCE_OPTIONS, type MonitoredDb } from './helpers/monitored.ts';
import { createTestStore, type TestStore } from './helpers/store.ts';

/** Gauges and health components on a clock the test moves: lag, staleness, expired leases, late delivery. */
const value = async (metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === `monitoringgrid_${name}`);
  const sample = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return sample?.value ?? 0;
};

let store: TestStore;
let monitored: MonitoredDb;
let sources: SourceRegistry;
beforeAll(async () => {
  store = await createTestStore();
  monitored = await createPostgresSource();
  sources = createSourceRegistry({ secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS });
}, 120_000);
afterAll(async () => {
  await sources.close();
  await monitored.close();
  await store.close();
});

describe('executions and scheduling', () => {
  const clock = testClock('2026-03-02T09:00:00Z');

  it('a scheduled run: its lag is start minus slot, it is counted once committed; then staleness, expired leases and the heartbeat show', async () => {
    const metrics = createMetrics(new Registry(), storeScrapeSources(store.db, clock));
    const deps = commandDeps(store, clock);
    const ds = await createDataSource(deps, { name: 'replica', ...monitored.dataSource } as never, meta);
    const kpi = await createKpi(deps, buildKpi({ dataSourceId: ds.id, indicator: 'Orders', frequencyMinutes: 5, query: 'SELECT 7 AS value' }), meta);
    const exec: ExecutionDeps = { ...deps, sources, nodeId: 'node_a', alertPolicy: DEFAULT_ALERT_POLICY, listeners: [], committed: [observeExecutions(metrics)] };
    const scheduler = createScheduler({ db: store.db, exec, metrics }, { heartbeatIntervalMs: 10_000, spread: NO_SPREAD });
    const health = operationsHealth({ db: store.db, clock, sources, role: 'all', nodeId: 'node_a', heartbeatIntervalMs: 10_000 }).checks;
    const apiHealth = operationsHealth({ db: store.db, clock, sources, role: 'api', nodeId: 'node_b', heartbeatIntervalMs: 10_000 }).checks;
    expect(await health.scheduler!()).toMatchObject({ status: 'down', detail: expect.stringContaining('no heartbeat') });

    await scheduler.tick(); // 09:00: the first slot is 09:05
    clock.set('2026-03-02T09:05:30Z');
    expect(await scheduler.tick()).toBe(1);
    await scheduler.idle();
    expect(await value(metrics, 'scheduling_lag_seconds', { le: '30' })).toBe(1);
    expect(await value(metrics, 'scheduling_lag_seconds', { le: '10' })).toBe(0);
    expect(await value(metrics, 'kpi_executions_total', { status: 'no_judgement' })).toBe(1);
    expect(await health.scheduler!()).toMatchObject({ status: 'up', detail: "this node's scheduler beat 0 s ago" });
    expect(await apiHealth.scheduler!()).toMatchObject({ status: 'up', detail: 'node node_a beat 0 s ago' });

    clock.set('2026-03-02T09:15:00Z'); // 9.5 minutes after the run: not yet twice the period
    expect(await value(metrics, 'kpis_stale')).toBe(0);
    expect(await health.staleKpis!()).toMatchObject({ status: 'up' });
    clock.set('2026-03-02T09:16:00Z');
    expect(await value(metrics, 'kpis_stale')).toBe(1);
    expect(await health.staleKpis!()).toEqual({ status: 'degraded', detail: '1 active KPIs not run for twice their period: Orders' });
    expect(await health.scheduler!()).toMatchObject({ status: 'down', detail: expect.stringMatching(/last heartbeat 630 s ago within 30 s/) });
    expect(await apiHealth.scheduler!()).toMatchObject({ status: 'degraded', detail: expect.stringContaining('no scheduler node alive') });

    // A node claims the due slot and dies: running until its lease (timeout 30 s + grace 30 s) runs out, then stuck.
    const [claim] = await claimDue(store.db, { nodeId: 'node_dead', now: clock.now(), limit: 5, leaseGraceMs: 30_000, token: () => 'lease_1' });
    expect(claim?.kpi.id).toBe(kpi.id);
    expect([await value(metrics, 'executions_running'), await value(metrics, 'executions_stuck')]).toEqual([1, 0]);
    expect(await health.stuckExecutions!()).toMatchObject({ status: 'up' });
    clock.advance(61_000);
    expect([await value(metrics, 'executions_running'), await value(metrics, 'executions_stuck')]).toEqual([1, 1]);
    expect(await health.stuckExecutions!()).toEqual({ status: 'degraded', detail: '1 executions whose lease expired without a result' });
    await scheduler.stop(0);
  });

  it('counts appends only once their transaction commits: a rolled-back change moves nothing', async () => {
    const observed = createMetrics(new Registry());
    const uow = createUnitOfWork(store.db, clock, observeAppends(observed));
    const event = { type: 'ContactCreated', data: { id: 'con_x' } } as unknown as DomainEvent;
    await expect(uow.run(async (tx) => {
      await tx.events.append('contact-con_x', 'any', [event], meta);
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(await value(observed, 'event_store_appends_total', { type: 'ContactCreated' })).toBe(0);
    await createContact({ ...commandDeps(store, clock), uow }, buildContact(), meta);
    expect(await value(observed, 'event_store_appends_total', { type: 'ContactCreated' })).toBe(1);
  });
});

describe('delivery', () => {
  let own: TestStore;
  beforeAll(async () => { own = await createTestStore(); }, 60_000);
  afterAll(async () => own.close());

  it('a mail that cannot be sent: failed, then late (delivery degraded), then dead after its last retry', async () => {
    const f = await alertFixture(own, { smtpUrl: 'smtp://127.0.0.1:1?ignoreTLS=true' });
    const metrics = createMetrics(new Registry(), storeScrapeSources(own.db, f.clock));
    const uow = createUnitOfWork(own.db, f.clock, observeAppends(metrics));
    const notifier = notifierFor(own, f.deps, { mailer: f.mailer, clock: f.clock });
    const worker = createAlertWorker({ ...f.deps, uow, db: own.db, settings: f.settings, notifier, retry: { retryCount: 1, baseDelayMs: 2 * MINUTE }, random: () => 0.5 });
    const health = operationsHealth({ db: own.db, clock: f.clock, sources, role: 'api', nodeId: 'node_b', heartbeatIntervalMs: 10_000 }).checks;
    await f.judge(breach(await f.makeKpi({ priority: 2 }, [buildContact({ phone: null })])));
    expect(await value(metrics, 'outbox_backlog')).toBe(1);

    await worker.tick();
    expect(await value(metrics, 'notification_deliveries_total', { channel: 'email', status: 'failed' })).toBe(1);
    f.clock.advance(8 * MINUTE); // the retry was due after 2 minutes: 6 minutes late
    expect(await health.delivery!()).toEqual({ status: 'degraded', detail: '1 waiting, oldest due for 360 s, 0 dead letters (more than 300 s)' });
    await worker.tick();
    expect(await value(metrics, 'notification_deliveries_total', { channel: 'email', status: 'dead' })).toBe(1);
    expect([await value(metrics, 'outbox_backlog'), await value(metrics, 'outbox_dead_letters')]).toEqual([0, 1]);
    expect(await health.delivery!()).toEqual({ status: 'up', detail: '0 waiting, oldest due for 0 s, 1 dead letters' });
    f.close();
  });
});
