import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createAuthDeps } from '../../src/adapters/http/auth-deps.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createLogger } from '../../src/adapters/observability/logger.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { createApiKey } from '../../src/core/auth/api-key-commands.ts';
import { startService } from '../../src/main.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { startSmtp, type TestSmtp } from './fixture.ts';

/**
 * The wiring as `monitoring-grid start` runs it: links under PUBLIC_URL, signed with the key derived from
 * DATA_DIR's secrets key by the notifier and checked by the API with the same one, also after a restart.
 */
let store: TestStore | null = null;
let smtp: TestSmtp;
let env: Record<string, string>;
let dataDir: string;

beforeAll(async () => {
  smtp = await startSmtp();
  dataDir = mkdtempSync(path.join(tmpdir(), 'mg-links-'));
  const db = new Database(path.join(dataDir, 'shop.db'));
  db.close();
  env = {
    PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: 'false', ADMIN_PASSWORD: 'links-test-password', SMTP_URL: smtp.url,
    PUBLIC_URL: 'https://grid.example.com/', ALERT_PENDING_EXECUTIONS: '1', ALERT_WORKER_INTERVAL_MS: '50',
  };
  if (storeKind() === 'postgres') {
    store = await createTestStore('postgres', { migrate: false });
    env.DATABASE_URL = store.url!;
  }
});
afterAll(async () => {
  await smtp.stop();
  await store?.close();
});

const start = () => startService(loadConfig(env), createLogger('silent'), { print: () => undefined });

async function until<T>(what: () => T | undefined, ms = 15_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    const v = what();
    if (v !== undefined) return v;
  }
  throw new Error('timed out');
}

describe('action links in the running service', () => {
  it('a breach mails a link under PUBLIC_URL that acknowledges through the service, once, also after a restart', async () => {
    const first = await start();
    let link: string;
    let alertId: string;
    let key: string;
    try {
      key = (await createApiKey(createAuthDeps(first.db, systemClock, createIdGenerator(systemClock)), { name: 'links', scopes: ['admin:*'] }, { actor: 'test', correlationId: 'cor_test' })).key;
      const api = (method: string, url: string, body?: unknown) => fetch(`${first.url}/api/v1${url}`, {
        method, headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((r) => r.json());
      const ds = await api('POST', '/datasources', { name: 'shop', kind: 'sqlite', filePath: path.join(dataDir, 'shop.db') });
      const contact = await api('POST', '/contacts', { name: 'Ann', email: 'ann@example.com' });
      const kpi = await api('POST', '/kpis', {
        indicator: 'Linked deposits', owner: 'payments', priority: 2, frequencyMinutes: 60, query: 'SELECT 5 AS value', minThreshold: 10,
        dataSourceId: ds.id, contactIds: [contact.id], cooldownMinutes: 0,
      });
      expect(kpi.id, JSON.stringify(kpi)).toMatch(/^kpi_/);
      await api('POST', `/kpis/${kpi.id}/execute`);
      const mail = await until(() => smtp.mails.find((m) => m.to.includes('ann@example.com')));
      link = /Acknowledge: (\S+)/.exec(mail.text)![1]!;
      expect(link).toMatch(/^https:\/\/grid\.example\.com\/actions\/ntf_/);
      alertId = (await api('GET', `/alerts?kpiId=${kpi.id}`)).items[0].id;
    } finally {
      await first.stop();
    }
    // The key is derived from DATA_DIR/secrets.key: a restarted node accepts the link it mailed before.
    const second = await start();
    try {
      const local = link.replace('https://grid.example.com', second.url);
      expect((await fetch(local, { headers: { accept: 'text/html' } })).status).toBe(200);
      const used = await fetch(local, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=1' });
      expect(used.status).toBe(200);
      const alert = await fetch(`${second.url}/api/v1/alerts/${alertId}`, { headers: { 'x-api-key': key } }).then((r) => r.json());
      expect(alert).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'link:ann@example.com' });
      expect((await fetch(local, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' })).status).toBe(409);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
