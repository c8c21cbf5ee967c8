import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact, buildDataSource, buildKpi } from '../helpers/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('contacts', () => {
  it('creates, updates and deletes a contact, each change an event', async () => {
    const created = await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Ann' }) });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const patched = await t.inject({ method: 'PATCH', url: `/api/v1/contacts/${id}`, headers: { 'if-match': '1' }, payload: { phone: null, active: false } });
    expect(patched.json()).toMatchObject({ phone: null, active: false, version: 2 });
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/contacts/${id}` })).statusCode).toBe(204);
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/contact-${id}` })).json();
    expect(stream.events.map((e: { type: string }) => e.type)).toEqual(['ContactCreated', 'ContactUpdated', 'ContactDeleted']);
  });

  it('rejects a phone that is not E.164 and a contact with no address', async () => {
    const bad = await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'Bob', phone: '0151 123' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: '/phone' })]);
    expect((await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'Nobody' } })).statusCode).toBe(400);
  });

  it('refuses to delete a contact a KPI still notifies, naming the KPI', async () => {
    const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource() })).json();
    const contact = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact() })).json();
    const kpi = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: ds.id, contactIds: [contact.id] }) })).json();
    const res = await t.inject({ method: 'DELETE', url: `/api/v1/contacts/${contact.id}` });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain(kpi.id);
    const dsDelete = await t.inject({ method: 'DELETE', url: `/api/v1/datasources/${ds.id}` });
    expect(dsDelete.statusCode).toBe(409);
  });

  it('answers 404 for an unknown contact', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/v1/contacts/con_nothere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('data sources and their passwords', () => {
  it('never returns the password, stores it sealed, and keeps it out of the events', async () => {
    const password = 'pw-Zq8!unique-7731';
    const res = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource({ password }) });
    expect(res.statusCode).toBe(201);
    const ds = res.json();
    expect(ds.hasPassword).toBe(true);
    expect(res.body).not.toContain(password);
    expect((await t.inject({ method: 'GET', url: `/api/v1/datasources/${ds.id}` })).body).not.toContain(password);
    expect((await t.inject({ method: 'GET', url: '/api/v1/datasources' })).body).not.toContain(password);
    const { rows } = await t.store.db.query<{ sealed_password: string }>('SELECT sealed_password FROM data_sources WHERE id = $1', [ds.id]);
    expect(rows[0]!.sealed_password).toMatch(/^v1\./);
    expect(t.deps.secrets.open(rows[0]!.sealed_password)).toBe(password);
    const dump = await t.store.db.query<{ all: string }>("SELECT string_agg(data::text || metadata::text, ' ') AS all FROM events");
    expect(dump.rows[0]!.all).not.toContain(password);
  });

  it('records a password change as set/changed/unset, never the value', async () => {
    const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource({ password: 'first' }) })).json();
    await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${ds.id}`, payload: { password: 'second' } });
    const off = await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${ds.id}`, payload: { passwordEnv: 'REPLICA_PASSWORD' } });
    expect(off.json()).toMatchObject({ hasPassword: false, passwordEnv: 'REPLICA_PASSWORD', version: 3 });
    const events = (await t.inject({ method: 'GET', url: `/api/v1/streams/datasource-${ds.id}` })).json().events;
    expect(events[1].data.changes.password).toEqual({ from: 'set', to: 'changed' });
    expect(events[2].data.changes.password).toEqual({ from: 'set', to: 'unset' });
    expect(JSON.stringify(events)).not.toMatch(/"(first|second)"/);
  });

  it('validates per kind and refuses a duplicate name', async () => {
    const bad = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'lite', kind: 'sqlite' } });
    expect(bad.json().errors).toEqual([expect.objectContaining({ path: '/filePath' })]);
    const payload = buildDataSource();
    await t.inject({ method: 'POST', url: '/api/v1/datasources', payload });
    expect((await t.inject({ method: 'POST', url: '/api/v1/datasources', payload })).statusCode).toBe(409);
    expect((await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { ...payload, kind: 'oracle' } })).statusCode).toBe(400);
    // 0 is out of range, not "no port": type coercion must not turn it into null.
    const port0 = await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { ...buildDataSource(), port: 0 } });
    expect(port0.statusCode).toBe(400);
    expect(port0.json().errors).toEqual([expect.objectContaining({ path: '/port' })]);
  });
});

describe('the service surface', () => {
  it('serves the OpenAPI document with the KPI routes', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/kpis', '/api/v1/kpis/{id}', '/api/v1/streams/{streamId}']));
  });

  it('is live and ready when the store is migrated', async () => {
    expect((await t.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'up' });
    const ready = await t.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'up', components: { service: { status: 'up' } } });
  });

  it('declares an access scope on every route', () => {
    expect(t.app.routeTable.length).toBeGreaterThan(15);
    for (const r of t.app.routeTable) expect(r.access, `${r.method} ${r.url}`).toBeTruthy();
  });

  it('answers an unknown stream with 404', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/streams/kpi-nothing' })).statusCode).toBe(404);
  });
});
