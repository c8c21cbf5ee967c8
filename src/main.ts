import { markMaintenanceRuns } from './core/maintenance/mark-runs.ts';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createSecretBox, loadSecretsKey } from './adapters/crypto/secret-box.ts';
import { createLinkSigner, deriveActionLinkKey } from './adapters/crypto/action-link-key.ts';
import { authOptionsOf, ensureAdministrator } from './adapters/cli/auth-setup.ts';
import { buildApp, type App } from './adapters/http/app.ts';
import { createIdGenerator } from './adapters/ids.ts';
import { createLogger } from './adapters/observability/logger.ts';
import type { Db } from './adapters/storage/db.ts';
import { migrate } from './adapters/storage/migrate.ts';
import { openDb } from './adapters/storage/open-db.ts';
import { createUnitOfWork } from './adapters/storage/unit-of-work.ts';
import { systemClock } from './adapters/system-clock.ts';
import { createSourceRegistry } from './adapters/sources/source-registry.ts';
import { createScheduler, type Scheduler } from './adapters/scheduler/scheduler.ts';
import type { ExecutionDeps } from './core/executions/execute-now.ts';

import { Registry } from 'prom-client';
import { createMetrics } from './adapters/observability/metrics.ts';
import { storeScrapeSources } from './adapters/observability/store-gauges.ts';
import { createAuditProjection } from './adapters/audit/audit-projection.ts';
import { createAlerting } from './adapters/delivery/alerting.ts';
import { alertOnExecutions } from './core/alerts/from-execution.ts';
import { startDemo } from './adapters/demo/start-demo.ts';
import { createLiveFeed } from './adapters/live/live-feed.ts';
import { listenForAppends } from './adapters/event-store/append-notifications.ts';
import { subscriptionHealth } from './adapters/http/subscription-health.ts';
import { operationsHealth } from './adapters/http/operations-health.ts';
import { observeAppends, observeExecutions } from './adapters/observability/observers.ts';
import { otelTracer } from './adapters/observability/tracing.ts';

/** `all` runs the API and the scheduler; `api` or `scheduler` only one of them. */
export type Role = 'all' | 'api' | 'scheduler';

export interface Service {
  readonly app: App;
  readonly db: Db;
  readonly logger: Logger;
  /** '' when this node does not serve the API (role scheduler). */
  readonly url: string;
  readonly scheduler: Scheduler | null;
  /** Stops taking requests, finishes the ones in flight, closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Which parts this node runs; default all (API and scheduler). */
  readonly role?: Role;
  /** Where a generated first administrator password is shown (not the log). */
  readonly print?: (text: string) => void;
}

/** The composition root: builds every adapter from the configuration and starts the service. */
export async function startService(config: Config, logger: Logger = createLogger(config.logLevel), options: StartOptions = {}): Promise<Service> {
  const role = options.role ?? 'all';
  const print = options.print ?? ((text: string) => void process.stderr.write(text));
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, connectTimeoutMs: config.databaseConnectTimeoutMs, owner: 'the service (monitoring-grid start)' });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const clock = systemClock;
    const ids = createIdGenerator(clock);
    const secretsKey = loadSecretsKey(config.secretsKey, config.dataDir);
    const secrets = createSecretBox(secretsKey);
    // Action links are signed with a key derived from the secrets key: nothing new to configure or store.
    const actionLinks = createLinkSigner(deriveActionLinkKey(secretsKey));
    const metrics = createMetrics(new Registry(), storeScrapeSources(db));
    const uow = createUnitOfWork(db, clock, observeAppends(metrics));
    await ensureAdministrator(db, clock, ids, config.adminPassword, logger, print);
    const audit = createAuditProjection(db, { onError: (err) => logger.error({ err }, 'audit projection failed; retrying') });
    const liveFeed = createLiveFeed(db, { onError: (err) => logger.warn({ err }, 'live feed poll failed; retrying') });
    metrics.trackSubscriptionLag(audit.name, () => audit.lag());
    const alerting = createAlerting(config.alerts, {
      db, uow, clock, ids, secrets, linkBaseUrl: `http://${config.host}:${config.port}`, logger, tracer: otelTracer, actionLinks,
    });
    const sources = createSourceRegistry({
      secrets, env: config.secretEnv, killGraceMs: config.queryKillGraceSeconds * 1000, maxResultRows: config.maxResultRows, sqliteAllowedDirs: config.sqliteAllowedDirs,
    });
    const execution: ExecutionDeps = { uow, clock, ids, sources, nodeId: ids.next('node'), alertPolicy: alerting.settings.policy, maxSeries: config.maxSeries,
      listeners: [markMaintenanceRuns, alertOnExecutions({ clock, ids, settings: alerting.settings })], tracer: otelTracer, committed: [observeExecutions(metrics, liveFeed)] };
    const scheduler = role === 'api' ? null : createScheduler({ db, exec: execution, logger, metrics }, {
      maxParallel: config.maxParallelExecutions, pollIntervalMs: config.schedulerPollMs, leaseGraceMs: config.schedulerLeaseGraceSeconds * 1000,
      healthCheckIntervalMs: config.schedulerHealthCheckSeconds * 1000, heartbeatIntervalMs: config.schedulerHeartbeatSeconds * 1000,
      retentionDays: config.executionRetentionDays, role, queryKillGraceMs: config.queryKillGraceSeconds * 1000,
    });
    metrics.trackSubscriptionLag(liveFeed.subscription.name, () => liveFeed.subscription.lag());
    const operations = operationsHealth({ db, clock, sources, role, nodeId: execution.nodeId, heartbeatIntervalMs: config.schedulerHeartbeatSeconds * 1000 });
    const healthChecks = { auditTrail: () => subscriptionHealth(audit), ...operations.checks };
    const app = await buildApp({
      db, clock, ids, secrets, uow, logger, actionLinks, auth: authOptionsOf(config), http: config.http, alertSettings: alerting.settings, metrics,
      channels: { delivery: alerting.channels, configured: config.alerts.webhooks }, metricsToken: config.metricsToken,
      tracing: config.otlpEndpoint !== null, liveFeed, healthChecks, healthGroups: operations.groups,
      execution, inspector: sources, heartbeatIntervalMs: config.schedulerHeartbeatSeconds * 1000, ...(scheduler ? { scheduler } : {}),
      ...(config.webDir !== null ? { webRoot: config.webDir } : {}),
      backtest: {
        limits: { maxSourceQueries: config.backtest.maxSourceQueries, maxMs: config.backtest.maxSeconds * 1000 },
        maxRunning: config.backtest.maxRunning, waitMs: config.backtest.waitMs,
      },
    });
    const url = role === 'scheduler' ? '' : await app.listen({ port: config.port, host: config.host });
    audit.start();
    const stopListening = config.databaseUrl === null ? async () => undefined : listenForAppends(config.databaseUrl, () => {
      audit.wake();
      liveFeed.subscription.wake();
    }, { onError: (err) => logger.warn({ err }, 'event notifications lost; polling until reconnected') });
    const demo = config.demo.enabled ? await startDemo(config, { uow, clock, ids, secrets }, logger) : null;
    scheduler?.start();
    alerting.worker.start();
    const dashboard = url === '' ? null : `${url}/`;
    logger.info({ url, dashboard, role, nodeId: execution.nodeId, store: db.kind === 'pglite' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL server' }, 'MonitoringGrid is running');
    if (dashboard !== null) print(`MonitoringGrid dashboard: ${dashboard}\n`);
    let stopping: Promise<void> | null = null;
    return {
      app, db, logger, url, scheduler,
      stop: () => (stopping ??= (async () => {
        // Stop claiming and finish (or hand back) running executions before the store closes.
        await scheduler?.stop();
        demo?.stop();
        await app.close();
        await stopListening();
        await audit.stop();
        await sources.close();
        await alerting.close();
        if (config.otlpEndpoint !== null) await (await import('./adapters/observability/otel.ts')).stopTracing();
        await db.close();
      })()),
    };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
