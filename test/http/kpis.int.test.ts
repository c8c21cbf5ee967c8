import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { updateKpi } from '../../src/core/kpis/kpi-commands.ts';
import { givenKey } from '../helpers/auth.ts';
import { buildContact, buildDataSource, buildKpi } from '../helpers/factories.ts';

let t: TestApp;
let dataSourceId: string;
let contactId: string;

beforeAll(async () => {
  t = await buildTestApp();
  dataSourceId = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource() })).json().id;
  contactId = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact() })).json().id;
});
afterAll(async () => t.close());

const createKpi = async (o: Record<string, unknown> = {}) => {
  const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId, contactIds: [contactId], ...o }) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};

describe('KPIs through the API', () => {
  it('creates a KPI with defaults, answers its ETag and location, and reads it back', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ indicator: 'Deposits', dataSourceId, contactIds: [contactId] }) });
    expect(res.statusCode).toBe(201);
    const kpi = res.json();
    expect(kpi).toMatchObject({ indicator: 'Deposits', version: 1, cooldownMinutes: 30, lastMinutes: 5, active: true });
    expect(kpi.id).toMatch(/^kpi_/);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/v1/kpis/${kpi.id}`);
    const read = await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}` });
    expect(read.json()).toEqual(kpi);
  });

  it('refuses a second KPI with the same indicator (409)', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ indicator: 'Deposits', dataSourceId }) });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'conflict', status: 409 });
  });

  it('names unknown references and every invalid field in one problem+json 400', async () => {
    const res = await t.inject({
      method: 'POST', url: '/api/v1/kpis',
      payload: buildKpi({ dataSourceId: 'dsn_missing', contactIds: ['con_missing'], cron: '*/5 * * * *', timezone: 'Nowhere/City', frequencyMinutes: null }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem).toMatchObject({ code: 'validation', status: 400, requestId: expect.stringMatching(/^req_/) });
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/contactIds', '/dataSourceId', '/timezone']);
    expect(problem.detail).toContain('dsn_missing');
    expect(problem.detail).toContain('con_missing');
  });

  it('refuses a cron with a seconds field (400 on create and on change): KPIs run at most once a minute', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId, cron: '* * * * * *', frequencyMinutes: null }) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([{ path: '/cron', message: expect.stringContaining('no seconds field') }]);
    const kpi = await createKpi({ cron: '*/5 * * * *', frequencyMinutes: null });
    const patched = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { cron: '30 */5 * * * *' } });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors.map((e: { path: string }) => e.path)).toEqual(['/cron']);
  });

  it('refuses Infinity for a number, whichever layer catches it, and stores nothing (the event would hold null)', async () => {
    const kpi = await createKpi();
    for (const deviationPercent of ['Infinity', '1e400']) {
      const res = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { deviationPercent } });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('/deviationPercent');
    }
    const core = updateKpi(t.deps, kpi.id, { deviationPercent: Infinity, minThreshold: -Infinity }, undefined, { actor: 'test', correlationId: 'cor_inf' });
    await expect(core).rejects.toMatchObject({ code: 'validation', details: { errors: [{ path: '/deviationPercent' }, { path: '/minThreshold' }] } });
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}` })).json()).toMatchObject({ version: 1, deviationPercent: null });
  });

  it('rejects unknown fields, wrong types and a missing body field by schema, with paths', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: { indicator: 'x', owner: 'y', query: 'q', priority: 3, colour: 'red' } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/dataSourceId', '/colour', '/priority']));
  });

  it('answers malformed JSON with a 400 problem, not a crash', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/kpis', headers: { 'content-type': 'application/json' }, payload: '{"indicator":' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('updates with If-Match, refuses a stale version with 409 naming the current one, and records old and new values', async () => {
    const kpi = await createKpi();
    const ok = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, headers: { 'if-match': '"1"' }, payload: { deviationPercent: 25, maxThreshold: 1000 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ deviationPercent: 25, maxThreshold: 1000, version: 2 });
    expect(ok.headers.etag).toBe('"2"');
    const stale = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, headers: { 'if-match': '1' }, payload: { deviationPercent: 30 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'conflict', currentVersion: 2 });
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${kpi.id}` })).json();
    expect(stream.events.map((e: { type: string }) => e.type)).toEqual(['KpiCreated', 'KpiUpdated']);
    expect(stream.events[1].data.changes).toEqual({ deviationPercent: { from: null, to: 25 }, maxThreshold: { from: null, to: 1000 } });
    expect(stream.events[0].data.kpi.indicator).toBe(kpi.indicator);
  });

  it('keeps the version when a patch changes nothing', async () => {
    const kpi = await createKpi();
    const res = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { owner: kpi.owner } });
    expect(res.json().version).toBe(1);
  });

  it('refuses a malformed If-Match with a 400', async () => {
    const kpi = await createKpi();
    const res = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, headers: { 'if-match': 'yesterday' }, payload: { owner: 'x' } });
    expect(res.statusCode).toBe(400);
  });

  it('deactivates and activates, each once, as events', async () => {
    const kpi = await createKpi();
    expect((await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpi.id}/deactivate` })).json()).toMatchObject({ active: false, version: 2 });
    expect((await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpi.id}/deactivate` })).json()).toMatchObject({ active: false, version: 2 });
    expect((await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpi.id}/activate` })).json()).toMatchObject({ active: true, version: 3 });
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${kpi.id}` })).json();
    expect(stream.events.map((e: { type: string }) => e.type)).toEqual(['KpiCreated', 'KpiDeactivated', 'KpiActivated']);
  });

  it('deletes a KPI: 204, then 404, and the stream keeps the deleted state', async () => {
    const kpi = await createKpi();
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/kpis/${kpi.id}`, headers: { 'if-match': '1' } })).statusCode).toBe(204);
    const gone = await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'not_found' });
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${kpi.id}` })).json();
    expect(stream.events.at(-1)).toMatchObject({ type: 'KpiDeleted', data: { kpi: { indicator: kpi.indicator } } });
  });

  it('lists with filters and cursor paging, each KPI once', async () => {
    const owner = `team-${Date.now()}`;
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createKpi({ owner, priority: i % 2 === 0 ? 1 : 2, indicator: `Paged ${owner} ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `owner=${owner}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.inject({ method: 'GET', url: `/api/v1/kpis?${q}` })).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((k: { id: string }) => k.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((k) => k.id));
    const p1 = (await t.inject({ method: 'GET', url: `/api/v1/kpis?owner=${owner}&priority=1` })).json();
    expect(p1.items).toHaveLength(3);
    const text = (await t.inject({ method: 'GET', url: `/api/v1/kpis?q=${encodeURIComponent(`${owner} 4`)}` })).json();
    expect(text.items.map((k: { id: string }) => k.id)).toEqual([made[4].id]);
    expect((await t.inject({ method: 'GET', url: '/api/v1/kpis?cursor=%%%' })).statusCode).toBe(400);
  });

  it('echoes a given correlation id and stores it, with the client, on the events', async () => {
    const res = await t.inject({
      method: 'POST', url: '/api/v1/kpis', headers: { 'x-correlation-id': 'change-4711', 'user-agent': 'ops-script/1.0' },
      payload: buildKpi({ dataSourceId }),
    });
    expect(res.headers['x-correlation-id']).toBe('change-4711');
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${res.json().id}` })).json();
    expect(stream.events[0].metadata).toMatchObject({ correlationId: 'change-4711', userAgent: 'ops-script/1.0', actor: expect.any(String) });
  });
});

describe('zero is a number, not "none"', () => {
  it('keeps a threshold of 0 and refuses a frequency of 0, instead of reading either as null', async () => {
    const kpi = await createKpi({ minThreshold: 0, maxThreshold: 0 });
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}` })).json()).toMatchObject({ minThreshold: 0, maxThreshold: 0 });
    const res = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { frequencyMinutes: 0 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['/frequencyMinutes']);
  });
});

describe("a KPI's own alert policy", () => {
  const policyOf = (k: Record<string, unknown>) => ({
    pendingExecutions: k.pendingExecutions, resolveAfterExecutions: k.resolveAfterExecutions, failingAfterFailures: k.failingAfterFailures,
    reminderMinutes: k.reminderMinutes, escalateAfterMinutes: k.escalateAfterMinutes,
  });

  it('is null (the global settings) unless given; saved on create, shown on read, changed and reset by PATCH as events', async () => {
    const plain = await createKpi();
    expect(policyOf(plain)).toEqual({ pendingExecutions: null, resolveAfterExecutions: null, failingAfterFailures: null, reminderMinutes: null, escalateAfterMinutes: null });
    const own = { pendingExecutions: 3, resolveAfterExecutions: 2, failingAfterFailures: 5, reminderMinutes: 60, escalateAfterMinutes: 0 };
    const kpi = await createKpi(own);
    expect(policyOf((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}` })).json())).toEqual(own);
    const listed = (await t.inject({ method: 'GET', url: `/api/v1/kpis?q=${encodeURIComponent(kpi.indicator)}` })).json();
    expect(policyOf(listed.items[0])).toEqual(own);

    const patched = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { pendingExecutions: null, escalateAfterMinutes: 45 } });
    expect(patched.json()).toMatchObject({ version: 2, pendingExecutions: null, escalateAfterMinutes: 45, reminderMinutes: 60 });
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/kpi-${kpi.id}` })).json();
    expect(stream.events[0].data.kpi).toMatchObject(own);
    expect(stream.events[1].data.changes).toEqual({ pendingExecutions: { from: 3, to: null }, escalateAfterMinutes: { from: 0, to: 45 } });
  });

  it('refuses counts below 1, minutes below 0, numbers above the maxima and fractions, naming each field', async () => {
    const kpi = await createKpi();
    const res = await t.inject({
      method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`,
      payload: { pendingExecutions: 0, resolveAfterExecutions: 1001, failingAfterFailures: 2.5, reminderMinutes: -5, escalateAfterMinutes: 525_601 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(
      ['/escalateAfterMinutes', '/failingAfterFailures', '/pendingExecutions', '/reminderMinutes', '/resolveAfterExecutions'],
    );
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}` })).json()).toMatchObject({ version: 1, pendingExecutions: null });
  });

  it('is changed only with kpi:write', async () => {
    const kpi = await createKpi();
    const { key } = await givenKey(t, { scopes: ['kpi:read'] });
    const res = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, headers: { 'x-api-key': key }, payload: { pendingExecutions: 2 } });
    expect(res.statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: `/api/v1/kpis/${kpi.id}`, headers: { 'x-api-key': key } })).json().pendingExecutions).toBeNull();
  });
});
