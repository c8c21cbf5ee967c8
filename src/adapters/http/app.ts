import { DEFAULT_ALERT_POLICY } from '../../core/alerts/judgement.ts';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { CommandDeps } from '../../core/ports.ts';
import type { Db } from '../storage/db.ts';
import { registerAccessControl } from './access-control.ts';
import { createAuthDeps, type AuthOptions } from './auth-deps.ts';
import { createKeyLookup } from './key-lookup.ts';
import { sendProblem } from './problem.ts';
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
import { createSourceRegistry, type SourceRegistryOptions } from '../sources/source-registry.ts';
import type { DataSourceInspector } from '../../core/datasources/inspection.ts';
import { schedulerRoutes } from './routes/scheduler.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import { alertRoutes } from './routes/alerts.ts';
import { silenceRoutes } from './routes/silences.ts';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.ts';
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
import { observeExecutions } from '../observability/observers.ts';
import { createLiveFeed, type LiveFeed } from '../live/live-feed.ts';
import { liveRoutes } from './routes/live.ts';
import type { Tracer } from '../../core/tracer.ts';
import { DEFAULT_WEB_ROOT, webRoutes } from './web-static.ts';
import { kpiOverviewRoutes } from './routes/kpi-overview.ts';
import { kpiTestRoutes } from './routes/kpi-test.ts';

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
  /** Runs KPIs for the API (run now, data-source test); default: own pools without passwordEnv lookups. */
  readonly execution?: ExecutionDeps;
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
  /** Bounds of the default source pools (tests: SQLite folders, kill grace); main.ts passes `execution` instead. */
  readonly sourceOptions?: Omit<SourceRegistryOptions, 'secrets' | 'env'>;
  /** Inspects data sources when they are created or changed; the default execution's pools otherwise. */
  readonly inspector?: DataSourceInspector;
}

export type App = FastifyInstance & { routeTable: readonly RouteEntry[] };

/** Builds the HTTP application around its dependencies; nothing here reads the environment. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    genReqId: () => deps.ids.next('request'),
    trustProxy: false,
    bodyLimit: 1_048_576,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const routeTable = enforceRouteDeclarations(app);
  if (deps.tracing) await app.register(fastifyTracingPlugin());
  registerRequestContext(app, deps.ids);
  const metrics = deps.metrics ?? createMetrics(new Registry(), storeScrapeSources(deps.db));
  registerRequestMetrics(app, metrics);
  const auth = createAuthDeps(deps.db, deps.clock, deps.ids, deps.auth);
  const usage = createUsageRecorder(deps.db, (e) => app.log.error({ err: e }, 'could not record API key use'));
  const keyLookup = await createKeyLookup(deps.db, (e) => app.log.error({ err: e }, 'API key cache listener failed'), deps.auth?.cacheApiKeys);
  app.addHook('onClose', async () => Promise.all([usage.close(), keyLookup.close()]));
  await registerAccessControl(app, auth, keyLookup.find, usage);
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
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const liveFeed = deps.liveFeed ?? createLiveFeed(deps.db);
  const defaults = deps.execution === undefined ? defaultExecution(deps, app, metrics, liveFeed) : null;
  const execution = deps.execution ?? defaults!.execution;
  const inspector = deps.inspector ?? defaults?.inspector;
  await app.register(metricsRoutes, { metrics, token: deps.metricsToken ?? null });
  if (deps.webRoot !== null) await app.register(webRoutes, { root: deps.webRoot ?? DEFAULT_WEB_ROOT });
  await app.register(healthRoutes, { checks: { store: () => storeHealth(deps.db), ...deps.healthChecks }, groups: deps.healthGroups ?? {} });
  await app.register(
    async (api) => {
      await api.register(kpiRoutes, { deps });
      await api.register(kpiOverviewRoutes, { db: deps.db });
      await api.register(contactRoutes, { deps });
      await api.register(dataSourceRoutes, { deps, inspector });
      await api.register(streamRoutes, { db: deps.db });
      await api.register(authRoutes, { auth, rateLimitPerMinute: deps.auth?.rateLimitPerMinute ?? 20 });
      await api.register(apiKeyRoutes, { auth, usage, keyLookup });
      await api.register(userRoutes, { auth });
      await api.register(executionRoutes, { deps: execution, db: deps.db });
      await api.register(kpiTestRoutes, { deps: execution, settings: deps.alertSettings ?? defaultAlertSettings() });
      await api.register(schedulerRoutes, { db: deps.db, clock: deps.clock, heartbeatIntervalMs: deps.heartbeatIntervalMs ?? 10_000, scheduler: deps.scheduler });
      await api.register(auditTrailRoutes, { db: deps.db, tracer: deps.tracer ?? otelTracer });
      await api.register(liveRoutes, { feed: liveFeed });
      await api.register(alertRoutes, { deps: { ...deps, settings: deps.alertSettings ?? defaultAlertSettings() } });
      await api.register(maintenanceWindowRoutes, { deps });
      await api.register(silenceRoutes, { deps: { ...deps, policy: (deps.alertSettings ?? defaultAlertSettings()).policy } });
    },
    { prefix: '/api/v1' },
  );
  return Object.assign(app, { routeTable }) as unknown as App;
}

/** Execution dependencies for an app built without them (tests, tools); its pools close with the app. */
function defaultExecution(deps: AppDeps, app: FastifyInstance, metrics: Metrics, feed: LiveFeed): { execution: ExecutionDeps; inspector: DataSourceInspector } {
  const sources = createSourceRegistry({ secrets: deps.secrets, env: () => undefined, ...deps.sourceOptions });
  app.addHook('onClose', () => sources.close());
  const execution: ExecutionDeps = {
    ...deps, sources, nodeId: deps.ids.next('node'), alertPolicy: DEFAULT_ALERT_POLICY, listeners: [],
    tracer: deps.tracer ?? otelTracer, committed: [observeExecutions(metrics, feed)],
  };
  return { execution, inspector: sources };
}
