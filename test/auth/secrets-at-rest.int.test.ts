import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/observability/logger.ts';
import type { Queryable } from '../../src/adapters/storage/db.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { bearer, givenUser } from '../helpers/auth.ts';
import { buildDataSource } from '../helpers/factories.ts';

const logLines: string[] = [];
let t: TestApp;
beforeAll(async () => {
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  t = await buildTestApp({ overrides: { logger } });
});
afterAll(async () => t.close());

/** Every row of every table, as JSON text. */
async function dumpDatabase(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  const parts = await Promise.all(rows.map(async ({ table_name }) => {
    const dump = await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
    return dump.rows.map((r) => r.row).join('\n');
  }));
  return parts.join('\n');
}

describe('no secret in plain text in the store or the logs', () => {
  it('after a full flow, neither the database dump nor the log output contains a password, key or token', async () => {
    const { username, password } = await givenUser(t, 'admin', 'Secret-Password-For-The-Dump');
    const login = await t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username, password } });
    const { accessToken, refreshToken } = login.json();
    const rotated = (await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', anonymous: true, payload: { refreshToken } })).json();
    await t.inject({ method: 'POST', url: '/api/v1/auth/refresh', anonymous: true, payload: { refreshToken } }); // reuse
    await t.inject({ method: 'POST', url: '/api/v1/auth/login', anonymous: true, payload: { username, password: `${password}-wrong` } });
    const created = (await t.inject({ method: 'POST', url: '/api/v1/apikey', headers: bearer(accessToken), payload: { name: 'dump', scopes: ['kpi:read'] } })).json();
    await t.inject({ method: 'GET', url: '/api/v1/kpis', headers: { 'x-api-key': created.key } });
    await t.inject({ method: 'DELETE', url: `/api/v1/apikey/${created.id}`, headers: bearer(accessToken) });
    await t.inject({ method: 'GET', url: '/api/v1/kpis', headers: { 'x-api-key': created.key } }); // revoked: 401, logged
    await t.inject({ method: 'POST', url: '/api/v1/kpis', headers: { 'x-api-key': created.key, authorization: `Bearer ${accessToken}` }, payload: {} });
    const dsPassword = 'Replica-Password-For-The-Dump';
    const ds = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource({ password: dsPassword }) });
    expect(ds.statusCode).toBe(201);
    await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { ...buildDataSource({ password: dsPassword }), port: 'not a port' } });

    const secrets = { password, apiKey: created.key, refreshToken, rotatedRefreshToken: rotated.refreshToken, accessToken, dsPassword };
    const dump = await dumpDatabase(t.store.db);
    const logs = logLines.join('');
    // The search can find things: what is meant to be there is there.
    expect(dump).toContain(username);
    expect(dump).toContain(created.prefix);
    expect(logs).toContain('/api/v1/auth/login');
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(15);
      expect(dump.includes(secret), `${name} in the database`).toBe(false);
      expect(logs.includes(secret), `${name} in the logs`).toBe(false);
    }
  });

  it('the logger censors credential headers and bodies wherever they are logged', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    logger.info({
      req: { headers: { authorization: 'Bearer abc.def.ghi', 'x-api-key': 'mgk_leak', cookie: 'session=leak' } },
      body: { password: 'leak-password', refreshToken: 'mgr_leak', accessToken: 'jwt_leak' },
    }, 'request');
    expect(lines.join('')).not.toMatch(/abc\.def|mgk_leak|session=leak|leak-password|mgr_leak|jwt_leak/);
  });
});
