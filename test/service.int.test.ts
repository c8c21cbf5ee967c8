import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createSecretBox, loadSecretsKey } from '../src/adapters/crypto/secret-box.ts';
import { createLogger } from '../src/adapters/observability/logger.ts';
import { startService } from '../src/main.ts';
import { createAuthDeps } from '../src/adapters/http/auth-deps.ts';
import { createIdGenerator } from '../src/adapters/ids.ts';
import { systemClock } from '../src/adapters/system-clock.ts';
import { createApiKey } from '../src/core/auth/api-key-commands.ts';
import { createTestStore, storeKind, type TestStore } from './helpers/store.ts';

/** The real service as `npm start` runs it (on port 0), restarted over the same store. */
let store: TestStore | null = null;
let env: Record<string, string>;
beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mg-service-'));
  env = { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: 'false', ADMIN_PASSWORD: 'service-test-password' };
  if (storeKind() === 'postgres') {
    store = await createTestStore('postgres', { migrate: false });
    env.DATABASE_URL = store.url!;
  }
});
afterAll(async () => store?.close());

const start = () => startService(loadConfig(env), createLogger('silent'));

describe('the service', () => {
  it('starts on an empty store, takes a KPI, and finds it and its password again after a restart', async () => {
    const first = await start();
    const auth = createAuthDeps(first.db, systemClock, createIdGenerator(systemClock));
    const { key } = await createApiKey(auth, { name: 'service test', scopes: ['admin:*'] }, { actor: 'test', correlationId: 'cor_test' });
    const headers = { 'x-api-key': key };
    const base = `${first.url}/api/v1`;
    const post = (url: string, body: unknown) =>
      fetch(`${base}${url}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
    const ds = await post('/datasources', { name: 'replica', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'monitor', password: 'restart-secret' });
    const contact = await post('/contacts', { name: 'Ann', email: 'ann@example.com' });
    const kpi = await post('/kpis', { indicator: 'Deposits', owner: 'payments', dataSourceId: ds.id, contactIds: [contact.id], query: 'SELECT 1 AS value' });
    expect(kpi.id).toMatch(/^kpi_/);
    await first.stop();

    const second = await start();
    try {
      const again = await fetch(`${second.url}/api/v1/kpis/${kpi.id}`, { headers }).then((r) => r.json());
      expect(again).toMatchObject(kpi);
      const events = await fetch(`${second.url}/api/v1/streams/kpi-${kpi.id}`, { headers }).then((r) => r.json());
      expect(events.events).toHaveLength(1);
      expect((await fetch(`${second.url}/api/v1/kpis/${kpi.id}`)).status).toBe(401);
      // The same key file (or SECRETS_KEY) opens the password sealed before the restart.
      const { rows } = await second.db.query<{ sealed_password: string }>('SELECT sealed_password FROM data_sources');
      expect(rows[0]!.sealed_password).not.toContain('restart-secret');
      expect(createSecretBox(loadSecretsKey(null, env.DATA_DIR!)).open(rows[0]!.sealed_password)).toBe('restart-secret');
    } finally {
      await second.stop();
    }
  }, 120_000);
});
