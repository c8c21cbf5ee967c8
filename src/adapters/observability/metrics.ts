import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Every metric name starts with this, so one Prometheus job can select the service's series. */
export const METRIC_PREFIX = 'monitoringgrid_';

/** A gauge whose value is read from the store when Prometheus scrapes (no bookkeeping in the process). */
export type ScrapeSource = () => Promise<number>;

/** Gauges that can be computed at scrape time; each feature passes its query when it lands. */
export interface ScrapeSources {
  readonly kpisActive?: ScrapeSource;
  readonly kpisFailing?: ScrapeSource;
  readonly kpisStale?: ScrapeSource;
  readonly alertsOpen?: ScrapeSource;
  readonly outboxBacklog?: ScrapeSource;
  readonly outboxDeadLetters?: ScrapeSource;
  readonly runningExecutions?: ScrapeSource;
  readonly stuckExecutions?: ScrapeSource;
}

const p = (name: string): string => `${METRIC_PREFIX}${name}`;

/**
 * prom-client also reports its active handle/request/resource gauges as `*_total`, which promtool rejects
 * (only counters may end in _total). The same values stay available by type under the names without it.
 */
function dropTotalSuffixedGauges(registry: Registry): void {
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(p(name));
  }
}

/** Seconds: from 5 ms (a cached KPI query) to 5 minutes (a slow report on a replica). */
const EXECUTION_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const LAG_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300];

function scrapedGauge(registry: Registry, name: string, help: string, source: ScrapeSource | undefined): Gauge {
  return new Gauge({
    name: p(name),
    help,
    registers: [registry],
    ...(source ? { async collect(this: Gauge) { this.set(await source()); } } : {}),
  });
}

/**
 * Defines every metric of the service on `registry` and returns typed handles. One registry per app
 * (tests build many). Counters a feature bumps are handles here; gauges that a store query can answer
 * take their query from `sources` and are read at scrape time.
 */
export function createMetrics(registry: Registry, sources: ScrapeSources = {}) {
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  dropTotalSuffixedGauges(registry);
  const lagSources = new Map<string, ScrapeSource>();
  const metrics = {
    registry,
    /** KPI executions recorded, by status (ok, breach, no_judgement, failed, timeout, stuck); after the commit. */
    executions: new Counter({ name: p('kpi_executions_total'), help: 'KPI executions by outcome status', labelNames: ['status'] as const, registers: [registry] }),
    /** Wall time of one execution, in seconds, query included. */
    executionDuration: new Histogram({ name: p('kpi_execution_duration_seconds'), help: 'Duration of one KPI execution', buckets: EXECUTION_BUCKETS, registers: [registry] }),
    /** How late an execution started after its slot, in seconds. */
    schedulingLag: new Histogram({ name: p('scheduling_lag_seconds'), help: 'Delay between a KPI slot and the start of its execution', buckets: LAG_BUCKETS, registers: [registry] }),
    runningExecutions: scrapedGauge(registry, 'executions_running', 'KPI executions in progress', sources.runningExecutions),
    stuckExecutions: scrapedGauge(registry, 'executions_stuck', 'KPI executions whose lease expired without a result', sources.stuckExecutions),
    kpisActive: scrapedGauge(registry, 'kpis_active', 'Active (scheduled) KPIs', sources.kpisActive),
    kpisFailing: scrapedGauge(registry, 'kpis_failing', 'KPIs whose last execution failed', sources.kpisFailing),
    kpisStale: scrapedGauge(registry, 'kpis_stale', 'Active KPIs not run for twice their period', sources.kpisStale),
    alertsOpened: new Counter({ name: p('alerts_opened_total'), help: 'Alerts opened', labelNames: ['priority'] as const, registers: [registry] }),
    alertsOpen: scrapedGauge(registry, 'alerts_open', 'Alerts open now', sources.alertsOpen),
    alertsResolved: new Counter({ name: p('alerts_resolved_total'), help: 'Alerts resolved', registers: [registry] }),
    /** One notification to one recipient: channel email|sms|webhook|slack, status sent|failed|dead. */
    notificationDeliveries: new Counter({ name: p('notification_deliveries_total'), help: 'Notification delivery attempts by channel and status', labelNames: ['channel', 'status'] as const, registers: [registry] }),
    outboxBacklog: scrapedGauge(registry, 'outbox_backlog', 'Notifications waiting in the outbox', sources.outboxBacklog),
    outboxDeadLetters: scrapedGauge(registry, 'outbox_dead_letters', 'Notifications given up after their last retry', sources.outboxDeadLetters),
    /** route = the route pattern (/api/v1/kpis/:id), never the raw URL, to bound the label values. */
    httpRequests: new Counter({ name: p('http_requests_total'), help: 'API requests by method, route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] }),
    httpDuration: new Histogram({ name: p('http_request_duration_seconds'), help: 'API request duration', labelNames: ['method', 'route', 'status'] as const, buckets: HTTP_BUCKETS, registers: [registry] }),
    /** Every 401/403. reason: missing, malformed, unknown, expired, revoked, invalid_token, forbidden, login_refused ... */
    authFailures: new Counter({ name: p('auth_failures_total'), help: 'Failed authentications and authorizations by reason', labelNames: ['reason'] as const, registers: [registry] }),
    eventStoreAppends: new Counter({ name: p('event_store_appends_total'), help: 'Events appended to the event store by type', labelNames: ['type'] as const, registers: [registry] }),
    subscriptionLag: new Gauge({
      name: p('subscription_lag_events'),
      help: 'Committed events a subscription has not processed yet',
      labelNames: ['subscription'] as const,
      registers: [registry],
      async collect() {
        for (const [subscription, lag] of lagSources) this.set({ subscription }, await lag());
      },
    }),
    /** A subscription reports its lag (events behind) through this; read at scrape time. */
    trackSubscriptionLag(name: string, lag: ScrapeSource): void {
      lagSources.set(name, lag);
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
