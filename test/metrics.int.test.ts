import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../src/adapters/observability/metrics.ts';
import { observeAppends } from '../src/adapters/observability/observers.ts';
import { storeScrapeSources } from '../src/adapters/observability/store-gauges.ts';
import { createUnitOfWork } from '../src/adapters/storage/unit-of-work.ts';
import { systemClock } from '../src/adapters/system-clock.ts';
import { createAuthDeps } from '../src/adapters/http/auth-deps.ts';
import { createIdGenerator } from '../src/adapters/ids.ts';
import { createApiKey } from '../src/core/auth/api-key-commands.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { buildDataSource, buildKpi } from './helpers/factories.ts';
import { createTestStore, type TestStore } from './helpers/store.ts';

const TOKEN = 'metrics-token-0123456789';
const promtool = spawnSync('promtool', ['--version']).status === 0;

let store: TestStore;
let metrics: Metrics;
let open: TestApp;
let guarded: TestApp;
beforeAll(async () => {
  store = await createTestStore();
  metrics = createMetrics(new Registry(), storeScrapeSources(store.db));
  const uow = createUnitOfWork(store.db, systemClock, observeAppends(metrics));
  open = await buildTestApp({ store, overrides: { metrics, uow } });
  guarded = await buildTestApp({ store, overrides: { metricsToken: TOKEN } });
}, 120_000);
afterAll(async () => {
  await open.close();
  await guarded.close();
  await store.close();
});

const scrape = async (app: TestApp, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/metrics', headers });

describe('GET /metrics', () => {
  it('counts API requests by route pattern and status, event-store appends by type, and active KPIs', async () => {
    const ds = (await open.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource() })).json<{ id: string }>();
    await open.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: ds.id }) });
    await open.inject({ method: 'GET', url: '/api/v1/kpis/kpi_nope' });
    const res = await scrape(open);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toMatch(/monitoringgrid_http_requests_total\{method="GET",route="\/api\/v1\/kpis\/:id",status="404"\} 1/);
    expect(text).toMatch(/monitoringgrid_http_requests_total\{method="POST",route="\/api\/v1\/kpis",status="201"\} 1/);
    expect(text).toMatch(/monitoringgrid_event_store_appends_total\{type="DataSourceCreated"\} 1/);
    expect(text).toMatch(/monitoringgrid_kpis_active 1/);
    expect(text).toContain('monitoringgrid_http_request_duration_seconds_bucket');
  });

  it('names every series under monitoringgrid_', async () => {
    const names = (await scrape(open)).body.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]);
    expect(names.filter((n) => !n!.startsWith('monitoringgrid_'))).toEqual([]);
    for (const name of ['kpi_executions_total', 'alerts_open', 'outbox_backlog', 'auth_failures_total', 'subscription_lag_events', 'kpis_stale']) {
      expect((await scrape(open)).body).toContain(`# TYPE monitoringgrid_${name}`);
    }
  });

  it('counts every 401 and 403 by reason: no credentials, a wrong key, a missing scope, a refused login', async () => {
    const auth = createAuthDeps(store.db, systemClock, createIdGenerator(systemClock));
    const { key } = await createApiKey(auth, { name: 'reader', scopes: ['kpi:read'] }, { actor: 'test', correlationId: 'cor_test' });
    expect((await open.inject({ method: 'GET', url: '/api/v1/kpis', anonymous: true })).statusCode).toBe(401);
    expect((await open.inject({ method: 'GET', url: '/api/v1/kpis', headers: { authorization: 'Bearer not.a.token' } })).statusCode).toBe(401);
    expect((await open.inject({ method: 'POST', url: '/api/v1/contacts', headers: { 'x-api-key': key }, payload: {} })).statusCode).toBe(403);
    expect((await open.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username: 'nobody', password: 'wrong-password' } })).statusCode).toBe(401);
    const text = (await scrape(open)).body;
    for (const reason of ['missing', 'invalid_token', 'forbidden', 'login_refused']) {
      expect(text).toMatch(new RegExp(`monitoringgrid_auth_failures_total\\{reason="${reason}"\\} 1\n`));
    }
  });

  it('passes promtool check metrics (Prometheus\'s own linter)', async (ctx) => {
    if (!promtool) {
      // CI installs Debian's prometheus package (.ci/run); there a missing promtool is a failure.
      if (process.env.CI) throw new Error('promtool is missing: install the Debian package prometheus');
      ctx.skip();
    }
    const body = (await scrape(open)).body;
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('with METRICS_TOKEN set, refuses a request without the bearer token and accepts the right one', async () => {
    const none = await scrape(guarded);
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect((await scrape(guarded, { authorization: 'Bearer wrong-token-wrong-token' })).statusCode).toBe(401);
    const ok = await scrape(guarded, { authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('monitoringgrid_http_requests_total');
  });
});
