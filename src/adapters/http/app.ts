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
import { healthRoutes, type HealthChecks } from './routes/health.ts';
import { kpiRoutes } from './routes/kpis.ts';
import { streamRoutes } from './routes/streams.ts';
import { storeHealth } from './store-health.ts';
import { createUsageRecorder } from './usage-recorder.ts';

export interface AppDeps extends CommandDeps {
  readonly db: Db;
  /** Fastify's logger option: a pino instance, options, or false. */
  readonly logger?: FastifyServerOptions['loggerInstance'] | false;
  /** Extra readiness checks (data sources, scheduler ...); the store's is always there. */
  readonly healthChecks?: HealthChecks;
  /** JWT secret, auth rate limit, lockout policy; defaults suit tests (a random secret per app). */
  readonly auth?: AuthOptions;
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
  registerRequestContext(app, deps.ids);
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

  await app.register(healthRoutes, { checks: { store: () => storeHealth(deps.db), ...deps.healthChecks } });
  await app.register(
    async (api) => {
      await api.register(kpiRoutes, { deps });
      await api.register(contactRoutes, { deps });
      await api.register(dataSourceRoutes, { deps });
      await api.register(streamRoutes, { db: deps.db });
      await api.register(authRoutes, { auth, rateLimitPerMinute: deps.auth?.rateLimitPerMinute ?? 20 });
      await api.register(apiKeyRoutes, { auth, usage, keyLookup });
    },
    { prefix: '/api/v1' },
  );
  return Object.assign(app, { routeTable }) as unknown as App;
}
