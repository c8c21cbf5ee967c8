import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/storage/migrate.ts';
import { openPgDb } from '../../src/adapters/storage/pg-db.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { problemShapeErrors, send, type RawResponse } from '../helpers/http-client.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { buildContact } from '../helpers/factories.ts';

/**
 * Issue 12, what must hold 7: a store that does not answer gives 503 `unavailable` with Retry-After,
 * not a 500 and not a hang. A server's matter: PGlite is inside the process and has no connections to lose.
 */
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
});

async function expectUnavailable(res: RawResponse): Promise<void> {
  expect(res.status, res.body).toBe(503);
  expect(problemShapeErrors(res)).toEqual([]);
  expect(JSON.parse(res.body).code).toBe('unavailable');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe.skipIf(storeKind() === 'pglite')('a store that does not answer', () => {
  it('stopped: reads and writes answer 503 with Retry-After within seconds; liveness stays up, readiness says down', async () => {
    const own: OwnPostgres = await startOwnPostgres();
    let stopped = false;
    closers.push(async () => void (stopped || (await own.stop())));
    const db = openPgDb({ connectionString: own.url, max: 4, connectTimeoutMs: 1_000 });
    await migrate(db);
    const store: TestStore = { db, kind: 'postgres', url: own.url, openAnother: () => { throw new Error('one node'); }, close: () => db.close() };
    const t: TestApp = await buildTestApp({ store });
    closers.push(() => t.close(), () => db.close());
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = { 'x-api-key': t.adminKey, 'content-type': 'application/json' };
    expect((await send(base, { method: 'GET', path: '/api/v1/kpis', headers })).status).toBe(200);

    await own.stop();
    stopped = true;
    const started = Date.now();
    await expectUnavailable(await send(base, { method: 'GET', path: '/api/v1/kpis', headers }));
    await expectUnavailable(await send(base, { method: 'POST', path: '/api/v1/contacts', headers, body: JSON.stringify(buildContact()) }));
    await expectUnavailable(await send(base, { method: 'GET', path: '/api/v1/audittrail/system', headers }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await send(base, { method: 'GET', path: '/health/live' })).status).toBe(200);
    expect((await send(base, { method: 'GET', path: '/health/ready' })).status).toBe(503);
  }, 120_000);

  it('every connection busy: a request waits at most the connect timeout, then 503, and is served again once one is free', async () => {
    const shared = await createTestStore('postgres');
    closers.push(() => shared.close());
    const db = openPgDb({ connectionString: shared.url!, max: 2, connectTimeoutMs: 1_000 });
    const store: TestStore = { ...shared, db, close: () => db.close() };
    const t = await buildTestApp({ store });
    closers.push(() => t.close(), () => db.close());
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = { 'x-api-key': t.adminKey };
    expect((await send(base, { method: 'GET', path: '/api/v1/kpis', headers })).status).toBe(200);

    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const held = [db.transaction(() => gate), db.transaction(() => gate)];
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await expectUnavailable(await send(base, { method: 'GET', path: '/api/v1/kpis', headers, timeoutMs: 15_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    release();
    await Promise.all(held);
    expect((await send(base, { method: 'GET', path: '/api/v1/kpis', headers })).status).toBe(200);
  }, 60_000);
});
