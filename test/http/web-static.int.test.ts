import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

// The dashboard's files at `/`, from a stand-in build (the real one is exercised by test/web).
const folder = mkdtempSync(path.join(tmpdir(), 'mg-web-'));
const built = path.join(folder, 'dist');
writeFileSync(path.join(folder, 'secret.txt'), 'not for the web');
mkdirSync(path.join(built, 'assets'), { recursive: true });
writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>dashboard page</title>');
writeFileSync(path.join(built, 'assets', 'index-abc123.js'), 'console.log("bundle")');

let store: TestStore;
let withBuild: TestApp;
let withoutBuild: TestApp;

beforeAll(async () => {
  store = await createTestStore();
  withBuild = await buildTestApp({ store, overrides: { webRoot: built } });
  withoutBuild = await buildTestApp({ store, overrides: { webRoot: path.join(built, 'missing') } });
});
afterAll(async () => {
  await withBuild.close();
  await withoutBuild.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('the dashboard at /', () => {
  it('serves index.html without credentials, revalidated on every load', async () => {
    const r = await withBuild.inject({ method: 'GET', url: '/', anonymous: true });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(r.body).toContain('dashboard page');
  });

  it('answers the page with a policy: its own scripts only, never in a frame', async () => {
    for (const url of ['/', '/kpis/kpi_1']) {
      const r = await withBuild.inject({ method: 'GET', url, anonymous: true });
      expect(r.headers['content-security-policy'], url).toMatch(/default-src 'self';.*frame-ancestors 'none'/);
      expect(r.headers['x-frame-options'], url).toBe('DENY');
      expect(r.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it('serves hashed assets as immutable, and a missing file as a 404', async () => {
    const r = await withBuild.inject({ method: 'GET', url: '/assets/index-abc123.js', anonymous: true });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('bundle');
    expect(r.headers['cache-control']).toContain('immutable');
    expect((await withBuild.inject({ method: 'GET', url: '/assets/gone-1.js', anonymous: true })).statusCode).toBe(404);
  });

  it('answers any other page path with the app (single-page fallback)', async () => {
    const r = await withBuild.inject({ method: 'GET', url: '/kpis/kpi_1', anonymous: true });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('dashboard page');
  });

  it('never answers an API, health or metrics miss with the page: a problem+json 404', async () => {
    for (const url of ['/api/v1/nothing-here', '/api/nothing', '/health/nothing', '/metrics/x']) {
      const r = await withBuild.inject({ method: 'GET', url, anonymous: true });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('does not serve files outside the build folder', async () => {
    for (const url of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const r = await withBuild.inject({ method: 'GET', url, anonymous: true });
      expect(r.body, url).not.toContain('not for the web');
    }
  });

  it('tells how to build the dashboard when it has not been built', async () => {
    const r = await withoutBuild.inject({ method: 'GET', url: '/', anonymous: true });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('npm run build:web');
  });
});
