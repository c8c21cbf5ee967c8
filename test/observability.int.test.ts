import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createAuthDeps } from '../src/adapters/http/auth-deps.ts';
import { createIdGenerator } from '../src/adapters/ids.ts';
import { createLogger } from '../src/adapters/observability/logger.ts';
import { systemClock } from '../src/adapters/system-clock.ts';
import { createApiKey } from '../src/core/auth/api-key-commands.ts';
import { startService, type Service } from '../src/main.ts';
import { buildContact, buildKpi } from './helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from './helpers/monitored.ts';
import { createTestStore, storeKind, type TestStore } from './helpers/store.ts';

/** The real composition root (main.ts): what an operator sees at /metrics, /health/ready and the live feed. */
let store: TestStore | null = null;
let service: Service;
let monitored: MonitoredDb;
let key: string;
beforeAll(async () => {
  const env: Record<string, string> = {
    PORT: '0', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'mg-obs-')), LOG_LEVEL: 'silent', DEMO: 'false', ADMIN_PASSWORD: 'observability-test-pw',
    ALERT_FAILING_AFTER_FAILURES: '1', ALERT_WORKER_INTERVAL_MS: '50',
  };
  if (storeKind() === 'postgres') {
    store = await createTestStore('postgres', { migrate: false });
    env.DATABASE_URL = store.url!;
  }
  service = await startService(loadConfig(env), createLogger('silent'));
  monitored = await createPostgresSource();
  const auth = createAuthDeps(service.db, systemClock, createIdGenerator(systemClock));
  ({ key } = await createApiKey(auth, { name: 'observability test', scopes: ['admin:*'] }, { actor: 'test', correlationId: 'cor_test' }));
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await monitored?.close();
  await store?.close();
});

const api = async (method: string, url: string, body?: unknown, headers: Record<string, string> = { 'x-api-key': key }) => {
  const res = await fetch(`${service.url}${url}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json().catch(() => null) as Record<string, any> };
};
const scrape = async () => (await fetch(`${service.url}/metrics`)).text();

/** Scrapes until `pattern` appears (the delivery worker runs on its own timer). */
async function scrapeUntil(pattern: RegExp, ms = 10_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const text = await scrape();
    if (pattern.test(text) || Date.now() > until) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the live feed, runs `action` once connected, and collects frames until `until` matches. */
function liveUntil(until: RegExp, action: () => Promise<unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${service.url}/api/v1/events/live`, { headers: { 'x-api-key': key } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (chunk.includes(': connected')) action().catch(reject);
        if (until.test(text)) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    setTimeout(() => reject(new Error('no matching frame within 20 s')), 20_000).unref();
  });
}

describe('observability of the running service', () => {
  let failing: string;

  it('a KPI failing on a real monitored database: counted as failed, the KPI failing, an alert opened and its notification delivered', async () => {
    const ds = await api('POST', '/api/v1/datasources', { name: 'replica', ...monitored.dataSource });
    const contact = await api('POST', '/api/v1/contacts', buildContact({ email: 'ops@example.com' }));
    const kpi = await api('POST', '/api/v1/kpis', buildKpi({ dataSourceId: ds.body.id, contactIds: [contact.body.id], priority: 1, frequencyMinutes: 60, query: 'SELECT 1/0 AS value' }));
    failing = kpi.body.id;
    const before = await scrape();
    expect(before).toMatch(/monitoringgrid_kpis_failing 0/);
    expect(before).not.toMatch(/monitoringgrid_kpi_executions_total\{status="failed"\}/);

    const run = await api('POST', `/api/v1/kpis/${failing}/execute`);
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('failed');
    const text = await scrapeUntil(/notification_deliveries_total\{channel="log",status="sent"\} 1/);
    expect(text).toMatch(/monitoringgrid_kpi_executions_total\{status="failed"\} 1\n/);
    expect(text).toMatch(/monitoringgrid_kpi_execution_duration_seconds_count 1\n/);
    expect(text).toMatch(/monitoringgrid_kpis_failing 1\n/);
    expect(text).toMatch(/monitoringgrid_alerts_opened_total\{priority="1"\} 1\n/);
    expect(text).toMatch(/monitoringgrid_alerts_open 1\n/);
    expect(text).toMatch(/monitoringgrid_notification_deliveries_total\{channel="log",status="sent"\} 1\n/);
    expect(text).toMatch(/monitoringgrid_outbox_backlog 0\n/);
    expect(text).toMatch(/monitoringgrid_event_store_appends_total\{type="AlertOpened"\} 1\n/);
  });

  it('resolving the alert by hand: counted as resolved, no longer open', async () => {
    const alerts = await api('GET', `/api/v1/alerts?kpiId=${failing}`);
    const [alert] = alerts.body.items as { id: string; status: string }[];
    expect(alert!.status).toBe('open');
    expect((await api('POST', `/api/v1/alerts/${alert!.id}/resolve`, { note: 'fixed the query' })).status).toBe(200);
    const text = await scrape();
    expect(text).toMatch(/monitoringgrid_alerts_resolved_total 1\n/);
    expect(text).toMatch(/monitoringgrid_alerts_open 0\n/);
  });

  it('a request without credentials and one with a wrong key are counted as authentication failures by reason', async () => {
    expect((await api('GET', '/api/v1/kpis', undefined, {})).status).toBe(401);
    expect((await api('GET', '/api/v1/kpis', undefined, { 'x-api-key': 'mg_nope' })).status).toBe(401);
    const text = await scrape();
    expect(text).toMatch(/monitoringgrid_auth_failures_total\{reason="missing"\} 1\n/);
    expect(text).toMatch(/monitoringgrid_auth_failures_total\{reason="malformed"\} 1\n/);
  });

  it('the live feed carries each recorded execution as the engine publishes it', async () => {
    const text = await liveUntil(/event: execution\ndata: .*"status":"failed"/, () => api('POST', `/api/v1/kpis/${failing}/execute`));
    const data = JSON.parse(/event: execution\ndata: (\{"kpiId".*)\n/.exec(text)![1]!);
    expect(data).toMatchObject({ kpiId: failing, trigger: 'manual', status: 'failed', durationMs: expect.any(Number) });
    expect(text).toMatch(/id: \d+:\d+\nevent: execution/);
  });

  it('/health/ready: a data source on a closed port makes the service degraded (200), named only to the signed-in; the rest is up', async () => {
    await api('POST', '/api/v1/datasources', { name: 'closed-port', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'x', user: 'x' });
    const res = await fetch(`${service.url}/health/ready`);
    expect(res.status).toBe(200);
    // The public probe says that the service is degraded, never which data source or why (errors name internal hosts).
    const probe = await res.json() as { status: string; components: Record<string, { status: string; detail?: string }> };
    expect(probe).toEqual({ status: 'degraded', components: { service: { status: 'degraded' } } });
    // Signed in, the same checks with their details.
    const details = await api('GET', '/api/v1/health');
    expect(details.status).toBe(200);
    const body = details.body as { status: string; components: Record<string, { status: string; detail: string }> };
    expect(body.status).toBe('degraded');
    expect(body.components['datasource:closed-port']).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/unreachable/) });
    expect(body.components['datasource:replica']).toMatchObject({ status: 'up', detail: expect.stringMatching(/^postgres .* answered in \d+ ms$/) });
    for (const name of ['store', 'scheduler', 'delivery', 'staleKpis', 'stuckExecutions', 'auditTrail']) expect(body.components[name]?.status, name).toBe('up');
    expect(body.components.scheduler!.detail).toMatch(/this node's scheduler beat \d+ s ago/);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
  });

  it('the populated /metrics (executions, alerts, deliveries, auth failures) passes promtool check metrics', async (ctx) => {
    if (spawnSync('promtool', ['--version']).status !== 0) {
      if (process.env.CI) throw new Error('promtool is missing: install the Debian package prometheus');
      ctx.skip();
    }
    const body = await scrape();
    expect(body).toContain('monitoringgrid_alerts_opened_total{priority="1"}');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('a store that cannot serve (a migration missing) makes the node unhealthy: 503, status down, the store named to the signed-in', async () => {
    await service.db.query('DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)');
    const res = await fetch(`${service.url}/health/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'down', components: { service: { status: 'down' } } });
    const body = (await api('GET', '/api/v1/health')).body as { status: string; components: Record<string, { status: string; detail: string }> };
    expect(body.status).toBe('down');
    expect(body.components.store).toMatchObject({ status: 'down', detail: expect.stringContaining('migrations not applied') });
    expect(body.components['datasource:closed-port']?.status).toBe('degraded');
  });
});
