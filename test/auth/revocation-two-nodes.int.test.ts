import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';

/** Two nodes on one PostgreSQL database, each with its own pool, key cache and NOTIFY listener. */
describe.runIf(storeKind() === 'postgres')('revocation across nodes', () => {
  let store: TestStore;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    store = await createTestStore('postgres');
    a = await buildTestApp({ store });
    b = await buildTestApp({ store: { ...store, db: store.openAnother(4) } });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store?.close();
  });

  const use = (node: TestApp, key: string) => node.inject({ method: 'GET', url: '/api/v1/kpis', headers: { 'x-api-key': key } });

  it('a key revoked on node B fails on node A\'s very next request, although A had it cached', async () => {
    for (let i = 0; i < 10; i++) {
      const { id, key } = (await a.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: `shared ${i}`, scopes: ['kpi:read'] } })).json();
      expect((await use(a, key)).statusCode).toBe(200);
      expect((await use(b, key)).statusCode).toBe(200);
      expect((await b.inject({ method: 'DELETE', url: `/api/v1/apikey/${id}` })).statusCode).toBe(200);
      expect((await use(a, key)).statusCode, `round ${i}`).toBe(401);
      expect((await use(b, key)).statusCode).toBe(401);
    }
  });

  it('a read that is computed while the cached key is confirmed answers 401 once the key is revoked, for a missing KPI too, and records the failure', async () => {
    const { id, key } = (await a.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: 'speculated', scopes: ['kpi:read'] } })).json();
    const read = (url: string) => a.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
    expect((await read('/api/v1/kpis/kpi_00000000000000000000000000')).statusCode).toBe(404); // cached on A now
    expect((await b.inject({ method: 'DELETE', url: `/api/v1/apikey/${id}` })).statusCode).toBe(200);
    const [missing, list] = await Promise.all([read('/api/v1/kpis/kpi_00000000000000000000000000'), read('/api/v1/kpis')]);
    for (const r of [missing, list]) {
      expect(r.statusCode).toBe(401);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.headers.etag).toBeUndefined();
      expect(r.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
    }
    const { rows } = await store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM events WHERE type = 'AuthenticationFailed' AND data->>'keyId' = $1 AND data->>'reason' = 'revoked'", [id],
    );
    expect(rows[0]!.n).toBeGreaterThanOrEqual(1);
  });

  it('after the listener lost its connection, node A does not trust its cache', async () => {
    const { id, key } = (await a.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: 'while down', scopes: ['kpi:read'] } })).json();
    expect((await use(a, key)).statusCode).toBe(200);
    // Kill node A's listening connection on the server: notifications sent meanwhile would be lost.
    await store.db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'monitoring-grid-listener' AND datname = current_database()");
    await store.db.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [id]); // no NOTIFY at all
    expect((await use(a, key)).statusCode).toBe(401);
  });
});
