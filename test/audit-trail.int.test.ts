import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../src/adapters/audit/audit-projection.ts';
import type { Subscription } from '../src/adapters/event-store/subscription.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { buildContact, buildDataSource, buildKpi } from './helpers/factories.ts';
import { settle } from './helpers/subscriptions.ts';
import { subscriptionHealth } from '../src/adapters/http/subscription-health.ts';

interface Entry {
  position: number; actor: string; actorKind: string; clientIp: string | null; userAgent: string | null; eventType: string;
  summary: string; entityType: string; entityId: string; entityVersion: number; correlationId: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
}
interface AuditPage { items: Entry[]; nextCursor: string | null }

let t: TestApp;
let projection: Subscription;
let kpiId: string;
let adminKeyId: string;
let dsId: string;
const headers = { 'user-agent': 'ops-cli/1.0', 'x-correlation-id': 'cor-change-42' };

beforeAll(async () => {
  t = await buildTestApp();
  projection = createAuditProjection(t.store.db);
  const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource({ name: 'replica-eu', password: 's3cret-pass' }) })).json<{ id: string }>();
  dsId = ds.id;
  const contact = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Ann' }) })).json<{ id: string }>();
  const kpi = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ indicator: 'Deposits', dataSourceId: ds.id, contactIds: [contact.id], maxThreshold: 100, deviationPercent: 10 }) })).json<{ id: string }>();
  kpiId = kpi.id;
  await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpiId}`, headers, payload: { maxThreshold: 250, deviationPercent: 15 } });
  await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpiId}/deactivate` });
  await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${ds.id}`, payload: { password: 'n3w-pass' } });
  // Six changes above, plus the security event of the test app's administrator key, which made them.
  expect(await settle(projection)).toBe(7);
  adminKeyId = t.adminKeyId;
}, 120_000);
afterAll(async () => t.close());

const search = async (body: Record<string, unknown>) => t.inject({ method: 'POST', url: '/api/v1/audittrail/search', payload: body });

describe('the audit projection', () => {
  it('handles each event once: a second catch-up, or a restarted projection, finds nothing new', async () => {
    expect(await projection.catchUp()).toBe(0);
    expect(await createAuditProjection(t.store.db).catchUp()).toBe(0);
    expect(await projection.lag()).toBe(0);
  });

  it('picks up new events from its checkpoint', async () => {
    await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Bob' }) });
    expect(await projection.lag()).toBe(1);
    expect(await settle(createAuditProjection(t.store.db))).toBe(1);
    expect(await projection.catchUp()).toBe(0);
  });
});

describe('readiness', () => {
  it('reports the audit trail up while it keeps pace, degraded (still 200) when it falls 1,000 events behind', async () => {
    expect(await subscriptionHealth(projection)).toEqual({ status: 'up', detail: '0 events behind' });
    const behind = { ...projection, lag: async () => 5000 };
    const app = await buildTestApp({ store: t.store, overrides: { healthChecks: { auditTrail: () => subscriptionHealth(behind) } } });
    const res = await app.inject({ method: 'GET', url: '/api/v1/health' });
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'degraded', components: { auditTrail: { status: 'degraded', detail: '5000 events behind (more than 1000)' }, store: { status: 'up' } } });
  });
});

describe('GET /audittrail/entity/{type}/{id}', () => {
  it('answers who changed the threshold, when, from what, with which request', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/audittrail/entity/kpi/${kpiId}` });
    expect(res.statusCode).toBe(200);
    const { items } = res.json<AuditPage>();
    expect(items.map((e) => e.eventType)).toEqual(['KpiDeactivated', 'KpiUpdated', 'KpiCreated']);
    const change = items[1]!;
    expect(change.summary).toBe('Changed KPI "Deposits": deviationPercent from 10 to 15; maxThreshold from 100 to 250');
    expect(change.changes).toEqual({ deviationPercent: { from: 10, to: 15 }, maxThreshold: { from: 100, to: 250 } });
    expect(change).toMatchObject({ actor: adminKeyId, actorKind: 'apikey', clientIp: '127.0.0.1', userAgent: 'ops-cli/1.0', correlationId: 'cor-change-42', entityVersion: 2 });
    expect(items[0]!.summary).toBe('Deactivated KPI "Deposits"');
    expect(items[2]!.summary).toMatch(/^Created KPI "Deposits" owned by payments, every 5 minutes/);
  });

  it('never shows a password, only that it changed', async () => {
    const { items } = (await t.inject({ method: 'GET', url: `/api/v1/audittrail/entity/datasource/${dsId}` })).json<AuditPage>();
    expect(items[0]!.summary).toBe('Changed data source "replica-eu": password changed');
    expect(items[1]!.changes!.password).toEqual({ from: 'unset', to: 'set' });
    const all = JSON.stringify(items);
    expect(all).not.toContain('s3cret');
    expect(all).not.toContain('sealedPassword');
    expect(all).not.toMatch(/v1\.[A-Za-z0-9_-]+\./);
  });

  it('refuses a malformed entity type with a problem', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/audittrail/entity/KPI;drop/${kpiId}` });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('POST /audittrail/search', () => {
  it('filters by event type, correlation id, changed field, and free text', async () => {
    expect((await search({ eventTypes: ['KpiUpdated'] })).json<AuditPage>().items).toHaveLength(1);
    expect((await search({ correlationId: 'cor-change-42' })).json<AuditPage>().items.map((e) => e.eventType)).toEqual(['KpiUpdated']);
    expect((await search({ field: 'maxThreshold', entityType: 'kpi' })).json<AuditPage>().items.map((e) => e.eventType)).toEqual(['KpiUpdated', 'KpiCreated']);
    // The KPI was created without a minimum threshold: its creation did not touch that field.
    expect((await search({ field: 'minThreshold' })).json<AuditPage>().items).toEqual([]);
    expect((await search({ q: 'deposit deactiv' })).json<AuditPage>().items.map((e) => e.eventType)).toEqual(['KpiDeactivated']);
    expect((await search({ q: kpiId })).json<AuditPage>().items).toHaveLength(3);
  });

  it('pages with a cursor without losing or repeating an entry', async () => {
    const first = (await search({ limit: 4 })).json<AuditPage>();
    const second = (await search({ limit: 4, cursor: first.nextCursor })).json<AuditPage>();
    expect(second.nextCursor).toBeNull();
    const positions = [...first.items, ...second.items].map((e) => e.position);
    expect(positions).toHaveLength(8);
    expect(positions).toEqual([...positions].sort((a, b) => b - a));
  });

  it('answers 400 for a backwards time range, a forged cursor, or an unknown filter', async () => {
    expect((await search({ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await search({ cursor: 'bm90LWEtY3Vyc29y' })).statusCode).toBe(400);
    const unknown = await search({ colour: 'red' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('/colour');
  });
});

describe('export, statistics and the system view', () => {
  it('exports CSV with a header, and JSON lines, for the same filter', async () => {
    const csv = await t.inject({ method: 'POST', url: '/api/v1/audittrail/export', payload: { entityId: kpiId, format: 'csv' } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^position,recordedAt,actor,/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('"Changed KPI ""Deposits"": deviationPercent from 10 to 15; maxThreshold from 100 to 250"');
    const jsonl = await t.inject({ method: 'POST', url: '/api/v1/audittrail/export', payload: { entityId: kpiId } });
    expect(jsonl.headers['content-type']).toContain('application/x-ndjson');
    expect(jsonl.body.trimEnd().split('\n').map((l) => JSON.parse(l).eventType)).toEqual(['KpiDeactivated', 'KpiUpdated', 'KpiCreated']);
  });

  it('counts by event type, entity type, actor and day', async () => {
    const stats = (await t.inject({ method: 'GET', url: '/api/v1/audittrail/statistics' })).json();
    expect(stats.total).toBe(8);
    expect(stats.byEntityType).toEqual(expect.arrayContaining([{ key: 'kpi', count: 3 }, { key: 'contact', count: 2 }, { key: 'datasource', count: 2 }, { key: 'apikey', count: 1 }]));
    expect(stats.byActor).toEqual([{ key: adminKeyId, count: 7 }, { key: 'test', count: 1 }]);
    expect(stats.byDay).toHaveLength(1);
  });

  it('shows everything newest first to administrators; every audit route declares its scope', async () => {
    const { items } = (await t.inject({ method: 'GET', url: '/api/v1/audittrail/system?limit=500' })).json<AuditPage>();
    expect(items).toHaveLength(8);
    const routes = t.app.routeTable.filter((r) => r.url.includes('/audittrail/'));
    expect(Object.fromEntries(routes.map((r) => [`${r.method} ${r.url}`, r.access]))).toEqual({
      'GET /api/v1/audittrail/entity/:entityType/:entityId': 'audit:read',
      'POST /api/v1/audittrail/search': 'audit:read',
      'POST /api/v1/audittrail/export': 'audit:read',
      'GET /api/v1/audittrail/system': 'admin:*',
      'GET /api/v1/audittrail/statistics': 'audit:read',
    });
  });
});
