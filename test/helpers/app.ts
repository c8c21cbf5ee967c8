import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { buildApp, type App, type AppDeps } from '../../src/adapters/http/app.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createUnitOfWork } from '../../src/adapters/storage/unit-of-work.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import type { Clock, CommandDeps } from '../../src/core/ports.ts';
import { createTestStore, type TestStore } from './store.ts';

export type { InjectOptions };

export interface TestApp {
  readonly app: App;
  /**
   * `app.inject` as a signed-in administrator. Every test should call this, not `app.inject`, so that
   * adding authentication does not change the tests; pass explicit headers to test other credentials.
   */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
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

/** The whole HTTP app in process (use `app.inject`) on a fresh, migrated store. */
export async function buildTestApp(opts: { clock?: Clock; store?: TestStore; overrides?: Partial<AppDeps> } = {}): Promise<TestApp> {
  const store = opts.store ?? (await createTestStore());
  const deps: AppDeps = { db: store.db, ...commandDeps(store, opts.clock), ...opts.overrides };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app, store, deps,
    inject: (o) => app.inject(o),
    async close() {
      await app.close();
      if (!opts.store) await store.close();
    },
  };
}
