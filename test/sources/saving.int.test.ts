// Issue 11: a KPI whose query names an unknown parameter or holds more than one statement is refused at
// save (400 naming the problem); SQLite data sources only under SQLITE_ALLOWED_DIRS.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createSqliteSource, type MonitoredDb } from '../helpers/monitored.ts';

let t: TestApp;
let m: MonitoredDb;
let allowed: string;
let dsId: string;

beforeAll(async () => {
  allowed = mkdtempSync(path.join(tmpdir(), 'mg-allowed-'));
  m = await createSqliteSource(); // in another folder of tmpdir
  const inside = path.join(allowed, 'shop.db');
  writeFileSync(inside, Buffer.alloc(0));
  t = await buildTestApp({ overrides: { sourceOptions: { sqliteAllowedDirs: [allowed] } } });
  dsId = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'shop', kind: 'sqlite', filePath: inside } })).json().id;
}, 60_000);
afterAll(async () => {
  await t.close();
  await m.close();
  rmSync(allowed, { recursive: true, force: true });
});

describe('saving a KPI checks its statement', () => {
  it('an unknown :parameter is a 400 naming it, on create, on change and on test', async () => {
    const bad = buildKpi({ dataSourceId: dsId, query: 'SELECT count(*) AS value FROM t WHERE at > :since' });
    for (const [method, url] of [['POST', '/api/v1/kpis'], ['POST', '/api/v1/kpis/test']] as const) {
      const r = await t.inject({ method, url, payload: bad });
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().errors).toEqual([{ path: '/query', message: 'unknown parameter :since (the parameters are :forLastMinutes, :windowStart, :windowEnd)' }]);
    }
    const saved = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, query: 'SELECT 1 AS value' }) })).json();
    const patched = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${saved.id}`, payload: { query: 'SELECT :windowstart AS value' } });
    expect(patched.json()).toMatchObject({ status: 400, errors: [{ path: '/query', message: expect.stringContaining('unknown parameter :windowstart') }] });
  });

  it('more than one statement is a 400 naming it; a trailing semicolon is fine', async () => {
    const two = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, query: 'SELECT 1 AS value; SELECT 2 AS value' }) });
    expect(two.json()).toMatchObject({ status: 400, errors: [{ path: '/query', message: 'the query holds more than one statement; a KPI query is one statement' }] });
    const one = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, query: 'SELECT 1 AS value; -- done' }) });
    expect(one.statusCode).toBe(201);
  });

  it("the issue's DO block that catches the cancel is refused at once, not run for a minute", async () => {
    const started = Date.now();
    const r = await t.inject({ method: 'POST', url: '/api/v1/kpis/test', payload: buildKpi({ dataSourceId: dsId, timeoutSeconds: 3,
      query: 'DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(1); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$' }) });
    expect(r.json()).toMatchObject({ status: 400, errors: expect.arrayContaining([{ path: '/query', message: 'a KPI query must start with SELECT, WITH or VALUES (found DO)' }]) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('needs kpi:write (the statement is not checked for a caller that may not save)', async () => {
    const key = (await t.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: 'viewer', scopes: ['kpi:read'] } })).json().key;
    const r = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: dsId, query: 'SELECT :x' }), headers: { 'x-api-key': key } });
    expect(r.statusCode).toBe(403);
  });
});

describe('SQLite data sources', () => {
  it('a file outside SQLITE_ALLOWED_DIRS is a 400, even for an administrator with allowPrivilegedUser', async () => {
    for (const filePath of [String(m.dataSource.filePath), '/etc/passwd', path.join(allowed, '..', path.basename(String(m.dataSource.filePath)))]) {
      const r = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: `outside-${Math.random()}`, kind: 'sqlite', filePath, allowPrivilegedUser: true } });
      expect(r.statusCode, filePath).toBe(400);
      expect(r.json().errors[0]).toMatchObject({ path: '/filePath', message: expect.stringContaining('is outside the folders SQLite data sources may use (SQLITE_ALLOWED_DIRS') });
    }
    const moved = await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${dsId}`, payload: { filePath: '/etc/passwd' } });
    expect(moved.statusCode).toBe(400);
  });

  it('a symbolic link inside an allowed folder that leads outside it is refused; a file inside is used', async () => {
    const sub = path.join(allowed, 'links');
    mkdirSync(sub, { recursive: true });
    const link = path.join(sub, 'escape.db');
    symlinkSync(String(m.dataSource.filePath), link);
    const r = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'link', kind: 'sqlite', filePath: link } });
    expect(r.json()).toMatchObject({ status: 400, errors: [{ path: '/filePath', message: expect.stringContaining(`(${String(m.dataSource.filePath)})`) }] });
    expect((await t.inject({ method: 'POST', url: `/api/v1/datasources/${dsId}/test` })).json()).toMatchObject({ ok: true, version: expect.stringContaining('SQLite') });
  });
});
