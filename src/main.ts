import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { createSecretBox, loadSecretsKey } from './adapters/crypto/secret-box.ts';
import { buildApp, type App } from './adapters/http/app.ts';
import { createIdGenerator } from './adapters/ids.ts';
import { createLogger } from './adapters/observability/logger.ts';
import type { Db } from './adapters/storage/db.ts';
import { migrate } from './adapters/storage/migrate.ts';
import { openDb } from './adapters/storage/open-db.ts';
import { createUnitOfWork } from './adapters/storage/unit-of-work.ts';
import { systemClock } from './adapters/system-clock.ts';
import { Registry } from 'prom-client';
import { createMetrics } from './adapters/observability/metrics.ts';
import { storeScrapeSources } from './adapters/observability/store-gauges.ts';
import { createAuditProjection } from './adapters/audit/audit-projection.ts';
import { createLiveFeed } from './adapters/live/live-feed.ts';
import { listenForAppends } from './adapters/event-store/append-notifications.ts';
import { subscriptionHealth } from './adapters/http/subscription-health.ts';

export interface Service {
  readonly app: App;
  readonly db: Db;
  readonly logger: Logger;
  readonly url: string;
  /** Stops taking requests, finishes the ones in flight, closes the store. Safe to call twice. */
  stop(): Promise<void>;
}

/** The composition root: builds every adapter from the configuration and starts the service. */
export async function startService(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<Service> {
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const clock = systemClock;
    const ids = createIdGenerator(clock);
    const secrets = createSecretBox(loadSecretsKey(config.secretsKey, config.dataDir));
    const metrics = createMetrics(new Registry(), storeScrapeSources(db));
    const uow = createUnitOfWork(db, clock, (events) => events.forEach((e) => metrics.eventStoreAppends.inc({ type: e.type })));
    const audit = createAuditProjection(db, { onError: (err) => logger.error({ err }, 'audit projection failed; retrying') });
    const liveFeed = createLiveFeed(db, { onError: (err) => logger.warn({ err }, 'live feed poll failed; retrying') });
    metrics.trackSubscriptionLag(audit.name, () => audit.lag());
    metrics.trackSubscriptionLag(liveFeed.subscription.name, () => liveFeed.subscription.lag());
    const healthChecks = { auditTrail: () => subscriptionHealth(audit) };
    const app = await buildApp({ db, clock, ids, secrets, uow, logger, metrics, metricsToken: config.metricsToken, tracing: config.otlpEndpoint !== null, liveFeed, healthChecks });
    const url = await app.listen({ port: config.port, host: config.host });
    audit.start();
    const stopListening = config.databaseUrl === null ? async () => undefined : listenForAppends(config.databaseUrl, () => {
      audit.wake();
      liveFeed.subscription.wake();
    }, { onError: (err) => logger.warn({ err }, 'event notifications lost; polling until reconnected') });
    logger.info({ url, store: db.kind === 'pglite' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL server' }, 'MonitoringGrid is listening');
    let stopping: Promise<void> | null = null;
    return {
      app, db, logger, url,
      stop: () => (stopping ??= (async () => {
        await app.close();
        await stopListening();
        await audit.stop();
        if (config.otlpEndpoint !== null) await (await import('./adapters/observability/otel.ts')).stopTracing();
        await db.close();
      })()),
    };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}
