import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { givenUser } from '../helpers/auth.ts';
import { send, sendBytes } from '../helpers/http-client.ts';
import { buildDataSource } from '../helpers/factories.ts';

/** Issue 12, what must hold 12: the headers a browser and a cache act on, over real HTTP. */
let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await buildTestApp({
    overrides: { healthGroups: { datasources: async () => ({ 'datasource:billing-replica': { status: 'degraded', detail: 'db.internal:5432 unreachable' } }) } },
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t.close());

const get = (path: string, headers: Record<string, string> = { 'x-api-key': t.adminKey }) => send(base, { method: 'GET', path, headers });
const json = { 'content-type': 'application/json' };

describe('security headers', () => {
  it('every API answer says nosniff: a success, a problem, an unknown route, health, the document, a refusal of Node\'s parser', async () => {
    const answers = [
      await get('/api/v1/kpis'), await get('/api/v1/kpis/kpi_missing'), await get('/api/v1/nothing'), await get('/api/v1/kpis', {}),
      await get('/health/live'), await get('/health/ready'), await get('/api/docs/json'), await get('/metrics'),
      await send(base, { method: 'POST', path: '/api/v1/contacts', headers: { ...json, 'x-api-key': t.adminKey }, body: '{' }),
      await sendBytes(base, 'GET / HTTP/1.1\r\nBad Header\r\n\r\n'),
    ];
    for (const res of answers) expect(res.headers['x-content-type-options'], `${res.status} ${res.body.slice(0, 80)}`).toBe('nosniff');
  });

  it('answers holding tokens or keys (sign-in, refresh, a new key) and every API answer are not stored by caches', async () => {
    const { username, password } = await givenUser(t, 'viewer');
    const login = await send(base, { method: 'POST', path: '/api/v1/auth/login', headers: json, body: JSON.stringify({ username, password }) });
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const refresh = await send(base, { method: 'POST', path: '/api/v1/auth/refresh', headers: json, body: JSON.stringify({ refreshToken: JSON.parse(login.body).refreshToken }) });
    expect(refresh.status).toBe(200);
    expect(refresh.headers['cache-control']).toBe('no-store');
    const key = await send(base, { method: 'POST', path: '/api/v1/apikey', headers: { ...json, 'x-api-key': t.adminKey }, body: JSON.stringify({ name: 'ci', scopes: ['kpi:read'] }) });
    expect(key.status, key.body).toBe(201);
    expect(key.headers['cache-control']).toBe('no-store');
    expect((await get('/api/v1/kpis')).headers['cache-control']).toBe('no-store');
    expect((await get('/api/v1/kpis/kpi_missing')).headers['cache-control']).toBe('no-store');
  });

  it('/api/docs has a Content-Security-Policy with frame-ancestors \'none\' and is never framed', async () => {
    for (const path of ['/api/docs', '/api/docs/static/swagger-initializer.js', '/api/docs/json']) {
      const res = await get(path, {});
      expect(res.status, path).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, path).toMatch(/default-src 'self'/);
      expect(csp, path).toMatch(/frame-ancestors 'none'/);
      expect(csp, path).not.toMatch(/upgrade-insecure-requests/); // the service is often plain http on a private network
      expect(res.headers['x-frame-options'], path).toBe('DENY');
    }
  });
});

describe('the public readiness probe names no data source', () => {
  it('/health/ready is one aggregate component; the authenticated /api/v1/health keeps every component and its detail', async () => {
    await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource({ name: 'billing-replica' }) });
    const ready = await get('/health/ready', {});
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'degraded', components: { service: { status: 'degraded' } } });
    expect(ready.body).not.toMatch(/billing|datasource|store|internal/);
    const details = JSON.parse((await get('/api/v1/health')).body);
    expect(details.components['datasource:billing-replica']).toEqual({ status: 'degraded', detail: 'db.internal:5432 unreachable' });
    expect(details.components.store.status).toBe('up');
  });
});
