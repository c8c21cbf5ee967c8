import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CommandDeps } from '../../core/ports.ts';
import type { Db } from '../storage/db.ts';
import { recordWith, registerAccessControl } from './access-control.ts';
import { createAuthFailures } from './auth-failures.ts';
import { createAuthDeps, type AuthOptions } from './auth-deps.ts';
import { createKeyLookup } from './key-lookup.ts';
import { sendProblem } from './problem.ts';
import { clientErrorHandler, frameworkErrors } from './framework-errors.ts';
import { onAjvCreate, registerInputGuards } from './input-guards.ts';
import { serverOptions, type HttpOptions } from './server-options.ts';
import { docsCsp, registerSecurityHeaders } from './security-headers.ts';
import { registerRequestContext } from './request-context.ts';
import { enforceRouteDeclarations, type RouteEntry } from './route-table.ts';
import { contactRoutes } from './routes/contacts.ts';
import { dataSourceRoutes } from './routes/datasources.ts';
import { apiKeyRoutes } from './routes/apikeys.ts';
import { authRoutes } from './routes/auth.ts';
import { userRoutes } from './routes/users.ts';
import { healthRoutes, type HealthChecks, type HealthGroup } from './routes/health.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { streamRoutes } from './routes/streams.ts';
import { executionRoutes } from './routes/executions.ts';
import type { ExecutionDeps } from '../../core/executions/execute-now.ts';
import type { DataSourceInspector } from '../../core/datasources/inspection.ts';
import { schedulerRoutes } from './routes/scheduler.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import { alertRoutes } from './routes/alerts.ts';
import { silenceRoutes } from './routes/silences.ts';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.ts';
import { escalationChainRoutes } from './routes/escalation-chains.ts';
import { defaultAlertSettings } from '../delivery/alerting.ts';
import type { AlertSettings } from '../../core/alerts/notify.ts';
import { storeHealth } from './store-health.ts';
import { Registry } from 'prom-client';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { storeScrapeSources } from '../observability/store-gauges.ts';
import { registerRequestMetrics } from './request-metrics.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { auditTrailRoutes } from './routes/audittrail.ts';
import { createUsageRecorder } from './usage-recorder.ts';
import { fastifyTracingPlugin } from '../observability/fastify-tracing.ts';
import { otelTracer } from '../observability/tracing.ts';
import { createLiveFeed, type LiveFeed } from '../live/live-feed.ts';
import { liveRoutes } from './routes/live.ts';
import type { Tracer } from '../../core/tracer.ts';
import { DEFAULT_WEB_ROOT, webRoutes } from './web-static.ts';
import { kpiOverviewRoutes } from './routes/kpi-overview.ts';
import { kpiTestRoutes } from './routes/kpi-test.ts';
import { kpiBacktestRoutes, type BacktestRouteDeps } from './routes/kpi-backtest.ts';
import { DEFAULT_BACKTEST_LIMITS, type BacktestLimits } from '../../core/backtest/kpi-backtest.ts';
import { createBacktestJobs } from '../backtest/backtest-jobs.ts';
import { recordedHistory } from '../storage/backtest-history.repo.ts';
import { configRoutes } from './routes/config.ts';
import { channelRoutes, type ChannelRouteDeps } from './routes/channels.ts';
import { routingRoutes } from './routes/routing.ts';
import { teamRoutes } from './routes/teams.ts';
import { createChannelDelivery } from '../notifiers/channel-delivery.ts';
import { channelRepo } from '../storage/channels.repo.ts';
import { randomBytes } from 'node:crypto';
import type { LinkSigner } from '../../core/alerts/action-links.ts';
import { createLinkSigner } from '../crypto/action-link-key.ts';
import { actionLinkRoutes } from './routes/action-links.ts';

export interface AppDeps extends CommandDeps {
  readonly db: Db;
  /** Fastify's logger option: a pino instance, options, or false. */
  readonly logger?: FastifyServerOptions['loggerInstance'] | false;
  /** Extra readiness checks (data sources, scheduler ...); the store's is always there. */
  readonly healthChecks?: HealthChecks;
  /** Readiness checks of varying sets of components (one per data source), by group name. */
  readonly healthGroups?: Record<string, HealthGroup>;
  /** JWT secret, auth rate limit, lockout policy; defaults suit tests (a random secret per app). */
  readonly auth?: AuthOptions;
  /** Runs KPIs for the API (run now, the editor's test), wired by the composition root (main.ts) with its listeners. */
  readonly execution: ExecutionDeps;
  /** This node's scheduler, when it runs one: its counters join the status API. */
  readonly scheduler?: Scheduler;
  readonly heartbeatIntervalMs?: number;
  /** The service's metrics; a fresh registry when not given. */
  readonly metrics?: Metrics;
  /** Spans around core work; the OpenTelemetry one (free until a provider is registered) by default. */
  readonly tracer?: Tracer;
  /** The node's live feed (GET /api/v1/events/live); one on the store by default. */
  readonly liveFeed?: LiveFeed;
  /** Make a span per request (and hook); only when a tracer provider is registered (tracing configured). */
  readonly tracing?: boolean;
  /** Bearer token for GET /metrics; null or absent = public. */
  readonly metricsToken?: string | null;
  /** Alert policy and routing for acknowledge/resolve; default: the log channel and the default policy. */
  readonly alertSettings?: AlertSettings;
  /** The built dashboard served at `/` (default web/dist of this package); null serves none. */
  readonly webRoot?: string | null;
  /** Timeouts, body limit and trusted proxies of the HTTP server; defaults in server-options.ts. */
  readonly http?: HttpOptions;
  /** Inspects data sources when they are created or changed (the source registry of `execution`). */
  readonly inspector: DataSourceInspector;
  /** Backtest limits (BACKTEST_*); the defaults otherwise. */
  readonly backtest?: BacktestOptions;
  /** Sends channels' test messages and lists the configured webhooks; default: stored channels only, unsigned, 5 s. */
  readonly channels?: ChannelRouteDeps;
  /** Checks the action links of messages (the one the notifier signs with); a random key per app by default. */
  readonly actionLinks?: LinkSigner;
}

export interface BacktestOptions {
  readonly limits?: Partial<BacktestLimits>;
  /** Backtests running at a time per node; default 2. */
  readonly maxRunning?: number;
  /** How long a POST waits before answering 202 with the job, ms; default 3,000. */
  readonly waitMs?: number;
}

export type App = FastifyInstance & {
  routeTable: readonly RouteEntry[];
  /** Ends the failed-authentication window now (its counted repeats become events); for tests and shutdown. */
  flushAuthFailures(): Promise<void>;
};

/** Builds the HTTP application around its dependencies; nothing here reads the environment. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    genReqId: () => deps.ids.next('request'),
    ...serverOptions(deps.http),
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true }, onCreate: onAjvCreate },
    frameworkErrors,
    clientErrorHandler: clientErrorHandler(deps.ids),
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeTable = enforceRouteDeclarations(app);
  if (deps.tracing) await app.register(fastifyTracingPlugin());
  registerRequestContext(app, deps.ids);
  registerSecurityHeaders(app);
  const metrics = deps.metrics ?? createMetrics(new Registry(), storeScrapeSources(deps.db));
  registerRequestMetrics(app, metrics);
  const auth = createAuthDeps(deps.db, deps.clock, deps.ids, deps.auth);
  const usage = createUsageRecorder(deps.db, (e) => app.log.error({ err: e }, 'could not record API key use'));
  const keyLookup = await createKeyLookup(deps.db, (e) => app.log.error({ err: e }, 'API key cache listener failed'), deps.auth?.cacheApiKeys);
  app.addHook('onClose', async () => Promise.all([usage.close(), keyLookup.close()]));
  const authFailures = createAuthFailures({
    record: recordWith(auth, (e) => app.log.error({ err: e }, 'could not record a security event')),
    ...(deps.auth?.failureLimitPerMinute !== undefined ? { limit: deps.auth.failureLimitPerMinute } : {}),
  });
  app.addHook('onClose', () => authFailures.close());
  await registerAccessControl(app, auth, keyLookup.find, usage, authFailures, keyLookup.peek);
  registerInputGuards(app);
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler({}, (request, reply) =>
    sendProblem(Object.assign(new Error(`no route ${request.method} ${request.url}`), { statusCode: 404 }), request, reply),
  );

  await app.register(swagger, {
    openapi: {
      info: { title: 'MonitoringGrid API', version: '1', description: 'Business KPIs watched from your database.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true, transformStaticCSP: docsCsp, uiConfig: { validatorUrl: null } });

  const liveFeed = deps.liveFeed ?? createLiveFeed(deps.db);
  const { execution, inspector } = deps;
  const backtest = backtestDeps(deps, app, execution, liveFeed);
  await app.register(metricsRoutes, { metrics, token: deps.metricsToken ?? null });
  if (deps.webRoot !== null) await app.register(webRoutes, { root: deps.webRoot ?? DEFAULT_WEB_ROOT });
  await app.register(actionLinkRoutes, {
    deps: { ...deps, settings: deps.alertSettings ?? defaultAlertSettings(), signer: deps.actionLinks ?? createLinkSigner(randomBytes(32)) },
  });
  await app.register(healthRoutes, { checks: { store: () => storeHealth(deps.db), ...deps.healthChecks }, groups: deps.healthGroups ?? {} });
  await app.register(
    async (api) => {
      await api.register(kpiRoutes, { deps });
      await api.register(kpiOverviewRoutes, { db: deps.db });
      await api.register(contactRoutes, { deps });
      await api.register(dataSourceRoutes, { deps, inspector });
      await api.register(channelRoutes, { deps, channels: deps.channels ?? defaultChannels(deps) });
      await api.register(teamRoutes, { deps });
      await api.register(routingRoutes, { deps, routing: (deps.alertSettings ?? defaultAlertSettings()).routing });
      await api.register(streamRoutes, { db: deps.db });
      await api.register(authRoutes, { auth, rateLimitPerMinute: deps.auth?.rateLimitPerMinute ?? 20 });
      await api.register(apiKeyRoutes, { auth, usage, keyLookup });
      await api.register(userRoutes, { auth });
      await api.register(executionRoutes, { deps: execution, db: deps.db });
      await api.register(kpiTestRoutes, { deps: execution, settings: deps.alertSettings ?? defaultAlertSettings(), backtest });
      await api.register(kpiBacktestRoutes, { deps: backtest });
      await api.register(schedulerRoutes, { db: deps.db, clock: deps.clock, heartbeatIntervalMs: deps.heartbeatIntervalMs ?? 10_000, scheduler: deps.scheduler });
      await api.register(auditTrailRoutes, { db: deps.db, tracer: deps.tracer ?? otelTracer });
      await api.register(liveRoutes, { feed: liveFeed });
      await api.register(alertRoutes, { deps: { ...deps, settings: deps.alertSettings ?? defaultAlertSettings() } });
      await api.register(maintenanceWindowRoutes, { deps });
      await api.register(escalationChainRoutes, { deps });
      await api.register(silenceRoutes, { deps: { ...deps, policy: (deps.alertSettings ?? defaultAlertSettings()).policy } });
      await api.register(configRoutes, { deps, inspector });
    },
    { prefix: '/api/v1' },
  );
  return Object.assign(app, { routeTable, flushAuthFailures: () => authFailures.flush() }) as unknown as App;
}

/** The backtest's dependencies: the execution's sources and policy, the history, this node's jobs. */
function backtestDeps(deps: AppDeps, app: FastifyInstance, execution: ExecutionDeps, feed: LiveFeed): BacktestRouteDeps {
  const o = deps.backtest ?? {};
  const limits = { ...DEFAULT_BACKTEST_LIMITS, ...o.limits };
  const jobs = createBacktestJobs({
    db: deps.db, clock: deps.clock, ids: deps.ids, nodeId: execution.nodeId, maxRunning: o.maxRunning, staleAfterMs: limits.maxMs + 60_000,
    announce: (job) => feed.publish('backtest', { id: job.id, kpiId: job.kpiId, status: job.status, progress: job.progress }),
    onError: (err, job) => app.log.error({ err, backtest: job.id }, 'backtest failed'),
  });
  app.addHook('preClose', () => jobs.close());
  return {
    jobs, waitMs: o.waitMs ?? 3_000,
    backtest: {
      uow: deps.uow, clock: deps.clock, sources: execution.sources, alertPolicy: execution.alertPolicy, maxSeries: execution.maxSeries,
      routing: (deps.alertSettings ?? defaultAlertSettings()).routing, history: recordedHistory(deps.db),
      limits, pause: () => new Promise((resolve) => setImmediate(resolve)),
    },
  };
}

/** Channels for an app built without them (tests, tools): the stored ones, no configured webhooks. */
const defaultChannels = (deps: AppDeps): ChannelRouteDeps => ({
  configured: [],
  delivery: createChannelDelivery({ channels: channelRepo(deps.db), secrets: deps.secrets, configured: [], webhookSecret: null, timeoutMs: 5000, clock: deps.clock }),
});
