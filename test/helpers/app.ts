import { otelTracer } from '../../src/adapters/observability/tracing.ts';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { buildApp, type App, type AppDeps } from '../../src/adapters/http/app.ts';
import { createAuthDeps } from '../../src/adapters/http/auth-deps.ts';
import { createApiKey } from '../../src/core/auth/api-key-commands.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createUnitOfWork } from '../../src/adapters/storage/unit-of-work.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import type { Clock, CommandDeps } from '../../src/core/ports.ts';
import { createTestStore, type TestStore } from './store.ts';
import { TEST_SOURCE_OPTIONS } from './monitored.ts';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import type { ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { createSourceRegistry, type SourceRegistry, type SourceRegistryOptions } from '../../src/adapters/sources/source-registry.ts';
import { observeExecutions } from '../../src/adapters/observability/observers.ts';
import type { Metrics } from '../../src/adapters/observability/metrics.ts';

export type { InjectOptions };

/** `anonymous: true` sends no credentials; an own `x-api-key` or `authorization` header replaces the admin key. */
export type TestInjectOptions = InjectOptions & { anonymous?: boolean };

export interface TestApp {
  readonly app: App;
  /**
   * `app.inject` as a signed-in administrator. Every test should call this, not `app.inject`, so that
   * adding authentication does not change the tests; pass explicit headers to test other credentials.
   */
  inject(opts: TestInjectOptions): Promise<LightMyRequestResponse>;
  /** The administrator key `inject` signs in with (scope admin:*). */
  readonly adminKey: string;
  /** Its id: the actor of every change `inject` makes. */
  readonly adminKeyId: string;
  readonly store: TestStore;
  readonly deps: AppDeps;
  close(): Promise<void>;
}

/** Wires the core's command dependencies to a test store. */
export function commandDeps(store: TestStore, clock: Clock = systemClock): CommandDeps {
  return {
    clock,
    ids: createIdGenerator(clock),
    secrets: createSecretBox(randomBytes(32)),
    uow: createUnitOfWork(store.db, clock),
  };
}

/**
 * What main.ts wires for the API's runs, for a test app: own source pools (closed with the app) with
 * the test's SQLite folders, no passwordEnv lookups, the default alert policy and no alert listener.
 */
export function testExecution(deps: CommandDeps & { metrics?: Metrics | undefined }, sourceOptions: Omit<SourceRegistryOptions, 'secrets' | 'env'> = TEST_SOURCE_OPTIONS): { execution: ExecutionDeps; sources: SourceRegistry } {
  const sources = createSourceRegistry({ secrets: deps.secrets, env: () => undefined, ...sourceOptions });
  const execution: ExecutionDeps = {
    ...deps, sources, nodeId: deps.ids.next('node'), alertPolicy: DEFAULT_ALERT_POLICY, listeners: [], tracer: otelTracer,
    committed: deps.metrics === undefined ? [] : [observeExecutions(deps.metrics)],
  };
  return { execution, sources };
}

export type TestAppOverrides = Partial<AppDeps> & { readonly sourceOptions?: Omit<SourceRegistryOptions, 'secrets' | 'env'> };

/** The whole HTTP app in process (use `app.inject`) on a fresh, migrated store. */
export async function buildTestApp(opts: { clock?: Clock; store?: TestStore; overrides?: TestAppOverrides } = {}): Promise<TestApp> {
  const store = opts.store ?? (await createTestStore());
  // The auth routes' rate limit and the failed-authentication limit would trip over a test file's logins
  // and refusals from one address; their own tests (sessions, hostile-clients) set them.
  const { sourceOptions, ...overrides } = opts.overrides ?? {};
  const base = { db: store.db, ...commandDeps(store, opts.clock), auth: { rateLimitPerMinute: 10_000, failureLimitPerMinute: 10_000 }, ...overrides };
  const own = base.execution === undefined ? testExecution(base, sourceOptions ?? TEST_SOURCE_OPTIONS) : null;
  const deps: AppDeps = { ...base, execution: base.execution ?? own!.execution, inspector: base.inspector ?? own?.sources ?? (base.execution!.sources as SourceRegistry) };
  const app = await buildApp(deps);
  if (own !== null) app.addHook('onClose', () => own.sources.close());
  await app.ready();
  const auth = createAuthDeps(store.db, deps.clock, deps.ids);
  const { key: adminKey, apiKey: { id: adminKeyId } } = await createApiKey(auth, { name: 'test administrator', scopes: ['admin:*'] }, { actor: 'test', correlationId: 'cor_test' });
  return {
    app, store, deps, adminKey, adminKeyId,
    inject: ({ anonymous, ...o }) => {
      const headers = { ...(o.headers ?? {}) };
      const own = Object.keys(headers).some((h) => ['x-api-key', 'authorization'].includes(h.toLowerCase()));
      if (!anonymous && !own) headers['x-api-key'] = adminKey;
      return app.inject({ ...o, headers });
    },
    async close() {
      await app.close();
      if (!opts.store) await store.close();
    },
  };
}
