import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createSourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { alertOnExecutions } from '../../src/core/alerts/from-execution.ts';
import type { AlertSettings } from '../../src/core/alerts/notify.ts';
import type { ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import type { ExecutionRecordedListener } from '../../src/core/executions/ports.ts';
import { createPostgresSource, TEST_SOURCE_OPTIONS, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, startSmtp, type AlertFixture, type TestSmtp } from './fixture.ts';

/**
 * Alerting behind the real execution path: a store, the real SMTP server, a monitored PostgreSQL
 * database, the alert fixture (worker, test clock) and execution deps whose recording alerts.
 */
export interface ExecutionFixture {
  readonly store: TestStore;
  readonly smtp: TestSmtp;
  readonly m: MonitoredDb;
  readonly f: AlertFixture;
  readonly deps: ExecutionDeps;
  close(): Promise<void>;
}

export async function executionFixture(o: {
  settings?: Partial<AlertSettings>; maxSeries?: number; maxResultRows?: number; listeners?: readonly ExecutionRecordedListener[];
} = {}): Promise<ExecutionFixture> {
  const store = await createTestStore();
  const smtp = await startSmtp();
  const m = await createPostgresSource();
  const f = await alertFixture(store, { smtpUrl: smtp.url, policy: { escalateAfterMinutes: 0 } });
  const settings = { ...f.settings, ...o.settings };
  const sources = createSourceRegistry({
    secrets: createSecretBox(randomBytes(32)), env: () => undefined, ...TEST_SOURCE_OPTIONS, ...(o.maxResultRows ? { maxResultRows: o.maxResultRows } : {}),
  });
  const deps: ExecutionDeps = {
    ...f.deps, sources, nodeId: 'nod_test', alertPolicy: settings.policy, ...(o.maxSeries ? { maxSeries: o.maxSeries } : {}),
    listeners: [...(o.listeners ?? []), alertOnExecutions({ clock: f.clock, ids: f.deps.ids, settings })],
  };
  return {
    store, smtp, m, f, deps,
    async close() {
      f.close();
      await sources.close();
      await smtp.stop();
      await m.close();
      await store.close();
    },
  };
}
