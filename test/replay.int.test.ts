import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../src/adapters/audit/audit-projection.ts';
import { formatReplayReport, replay } from '../src/adapters/replay/replay.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { cliArgs } from './helpers/cli.ts';
import { testClock } from './helpers/clock.ts';
import { buildContact, buildDataSource, buildKpi } from './helpers/factories.ts';
import { storeKind } from './helpers/store.ts';
import { settle } from './helpers/subscriptions.ts';

const clock = testClock('2026-03-02T09:00:00Z');
let t: TestApp;
let kpiId: string;
let goneContactId: string;
let annId: string;
let dsId: string;

beforeAll(async () => {
  t = await buildTestApp({ clock });
  const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource({ password: 'p1' }) })).json<{ id: string }>();
  dsId = ds.id;
  const ann = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Ann' }) })).json<{ id: string }>();
  const bob = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Bob' }) })).json<{ id: string }>();
  goneContactId = bob.id;
  annId = ann.id;
  kpiId = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: ds.id, contactIds: [ann.id], maxThreshold: 100, pendingExecutions: 2 }) })).json<{ id: string }>().id;
  clock.advance(3_600_000); // 10:00
  await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpiId}`, payload: { maxThreshold: 250, escalateAfterMinutes: 0 } });
  clock.advance(3_600_000); // 11:00
  await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpiId}/deactivate` });
  await t.inject({ method: 'PATCH', url: `/api/v1/contacts/${bob.id}`, payload: { name: 'Robert' } });
  await t.inject({ method: 'DELETE', url: `/api/v1/contacts/${bob.id}` });
  await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${ds.id}`, payload: { password: 'p2', statementTimeoutMs: 5000 } });
  await settle(createAuditProjection(t.store.db));
}, 120_000);
afterAll(async () => t.close());

describe('GET ?asOf=<version|timestamp>', () => {
  it('shows a KPI as it was at a version and at a time', async () => {
    const v1 = await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}?asOf=1` });
    expect(v1.statusCode).toBe(200);
    expect(v1.json()).toMatchObject({ version: 1, maxThreshold: 100, active: true });
    expect(v1.headers.etag).toBe('"1"');
    const at1030 = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}?asOf=2026-03-02T10:30:00Z` })).json();
    expect(at1030).toMatchObject({ version: 2, maxThreshold: 250, active: true, updatedAt: '2026-03-02T10:00:00.000Z' });
    const now = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}` })).json();
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}?asOf=3` })).json()).toEqual(now);
  });

  it('shows a deleted contact as it was, and says when it did not exist', async () => {
    expect((await t.inject({ method: 'GET', url: `/api/v1/contacts/${goneContactId}?asOf=2` })).json()).toMatchObject({ name: 'Robert', version: 2 });
    const deleted = await t.inject({ method: 'GET', url: `/api/v1/contacts/${goneContactId}?asOf=3` });
    expect(deleted.statusCode).toBe(404);
    expect(deleted.json().detail).toContain('was deleted at version 3');
    const before = await t.inject({ method: 'GET', url: `/api/v1/contacts/${goneContactId}?asOf=2026-03-01T00:00:00Z` });
    expect(before.json().detail).toContain('did not exist yet');
  });

  it('never shows a data source password, even as it was', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/datasources/${dsId}?asOf=1` });
    expect(res.json()).toMatchObject({ hasPassword: true, statementTimeoutMs: 30000 });
    expect(res.body).not.toContain('sealed');
  });

  it('answers 404 for a version the entity has not reached, saying which it is at', async () => {
    const now = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}` })).json<{ version: number }>();
    const ahead = await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}?asOf=99` });
    expect(ahead.statusCode).toBe(404);
    expect(ahead.headers['content-type']).toContain('application/problem+json');
    expect(ahead.json().detail).toContain(`has no version 99 (it is at version ${now.version})`);
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}?asOf=${now.version}` })).statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: `/api/v1/contacts/${goneContactId}?asOf=4` })).statusCode).toBe(404);
  });

  it('answers 400 for an asOf that is neither a version nor a time', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpiId}?asOf=yesterday` });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('querystring:/asOf');
  });
});

describe('replay', () => {
  it('finds the read models identical to the event store when nothing is wrong', async () => {
    const report = await replay(t.store.db);
    expect(report.differences).toEqual([]);
    const events = (await t.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
    expect(Object.fromEntries(report.tables.map((x) => [x.table, x.rows]))).toMatchObject({ kpis: 1, contacts: 1, data_sources: 1, audit_entries: events });
    const { rows } = await t.store.db.query("SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE 'replay_%'");
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('finds a deliberately corrupted row, a missing row and a tampered audit entry, and says what differs', async () => {
    await t.store.db.query('UPDATE kpis SET max_threshold = 999 WHERE id = $1', [kpiId]);
    const ann = (await t.store.db.query('DELETE FROM contacts WHERE id = $1 RETURNING *', [annId])).rows[0]!;
    const victim = (await t.store.db.query<{ position: number; actor: string }>('SELECT position, actor FROM audit_entries ORDER BY position DESC LIMIT 1')).rows[0]!;
    await t.store.db.query("UPDATE audit_entries SET actor = 'usr_forged' WHERE position = $1", [victim.position]);
    const report = await replay(t.store.db);
    const text = formatReplayReport(report);
    expect(text).toContain(`kpis ${kpiId}:\n  max_threshold: live 999, rebuilt from events 250`);
    expect(text).toContain(`audit_entries ${victim.position}:\n  actor: live "usr_forged", rebuilt from events "${victim.actor}"`);
    expect(text).toContain(`contacts ${annId}: missing from the live table (the events say it exists)`);
    expect(report.differences.map((d) => `${d.table} ${d.key}`)).toEqual([`contacts ${annId}`, `kpis ${kpiId}`, `audit_entries ${victim.position}`]);
    await t.store.db.query('INSERT INTO contacts SELECT * FROM json_populate_record(NULL::contacts, $1)', [JSON.stringify(ann)]);
    await t.store.db.query('UPDATE kpis SET max_threshold = 250 WHERE id = $1', [kpiId]);
    await t.store.db.query('UPDATE audit_entries SET actor = $2 WHERE position = $1', [victim.position, victim.actor]);
  });

  it.runIf(storeKind() === 'postgres')('monitoring-grid replay exits 1 with a readable diff, 0 when all match', async () => {
    const run = () => spawnSync(process.execPath, cliArgs('replay'), {
      env: { ...process.env, DATABASE_URL: t.store.url!, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 60_000,
    });
    const clean = run();
    expect(clean.stdout).toContain('the read models match the event store');
    expect(clean.status).toBe(0);
    await t.store.db.query('UPDATE contacts SET name = $2 WHERE name = $1', ['Ann', 'Anna']);
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/contacts con_\w+:\n {2}name: live "Anna", rebuilt from events "Ann"/);
  }, 120_000);
});
