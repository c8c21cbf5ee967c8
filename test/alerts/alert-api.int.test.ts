import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, MINUTE, startSmtp, type AlertFixture, type TestSmtp } from './fixture.ts';
import type { Kpi } from '../../src/core/kpis/kpi.ts';

let store: TestStore;
let smtp: TestSmtp;
let f: AlertFixture;
let t: TestApp;
let kpi: Kpi;
let ids: string[];

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  f = await alertFixture(store, { smtpUrl: smtp.url, policy: { escalateAfterMinutes: 0 } });
  t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings } });
  kpi = await f.makeKpi({ indicator: 'Api deposits', cooldownMinutes: 0, priority: 2 }, [buildContact({ email: 'api@example.com', phone: null })]);
  ids = [];
  for (const key of ['DE', 'FR', 'IT']) {
    ids.push(...(await f.judge(breach(kpi, { key, deviationPercent: key === 'IT' ? -12 : -60 }))).opened);
    f.clock.advance(MINUTE);
  }
  await f.worker.tick();
});
afterAll(async () => {
  await t.close();
  f.close();
  await smtp.stop();
  await store.close();
});

describe('the alert log', () => {
  it('lists alerts newest first, filtered, with cursor paging', async () => {
    const page1 = (await t.inject({ method: 'GET', url: `/api/v1/alerts?kpiId=${kpi.id}&limit=2` })).json();
    expect(page1.items.map((a: { key: string }) => a.key)).toEqual(['IT', 'FR']);
    const page2 = (await t.inject({ method: 'GET', url: `/api/v1/alerts?kpiId=${kpi.id}&limit=2&cursor=${page1.nextCursor}` })).json();
    expect(page2).toMatchObject({ items: [{ key: 'DE' }], nextCursor: null });
    const medium = (await t.inject({ method: 'GET', url: `/api/v1/alerts?severity=medium&status=open` })).json();
    expect(medium.items.map((a: { key: string }) => a.key)).toEqual(['IT']);
    const later = (await t.inject({ method: 'GET', url: `/api/v1/alerts?from=${new Date(f.clock.now().getTime() - 150_000).toISOString()}` })).json();
    expect(later.items.map((a: { key: string }) => a.key)).toEqual(['IT', 'FR']);
  });

  it('shows one alert with its numbers, thresholds, reasons and every recipient with channel and delivery status', async () => {
    const res = await t.inject({ method: 'GET', url: `/api/v1/alerts/${ids[0]}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: ids[0], kpiId: kpi.id, indicator: 'Api deposits', key: 'DE', status: 'open', severity: 'critical', value: 40, baseline: 100,
      deviationPercent: -60, thresholds: { sensitivity: 'medium', deviationPercent: null }, band: { low: 80, high: 120 }, reasons: [{ rule: 'deviation', direction: 'drop' }],
      subject: '[critical] Api deposits DE: 40 vs baseline 100 (-60.0%)',
      notifications: [{ channel: 'email', recipient: 'api@example.com', status: 'sent', purpose: 'opened', attempts: 1 }],
    });
  });

  it('answers 404 for an unknown alert and 400 for a bad filter', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/alerts/alr_nope' })).statusCode).toBe(404);
    const bad = await t.inject({ method: 'GET', url: '/api/v1/alerts?status=sleeping&from=yesterday' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['querystring:/status', 'querystring:/from']));
  });
});

describe('acknowledge and resolve', () => {
  it('acknowledges with a note, resolves by hand, and refuses to resolve twice', async () => {
    const ack = await t.inject({ method: 'POST', url: `/api/v1/alerts/${ids[0]}/acknowledge`, payload: { note: 'looking' } });
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgeNote: 'looking', acknowledgedBy: t.adminKeyId });
    f.clock.advance(MINUTE);
    const res = await t.inject({ method: 'POST', url: `/api/v1/alerts/${ids[0]}/resolve`, payload: { note: 'restarted the PSP adapter' } });
    expect(res.json()).toMatchObject({ status: 'resolved', resolution: 'manual', resolveNote: 'restarted the PSP adapter' });
    const again = await t.inject({ method: 'POST', url: `/api/v1/alerts/${ids[0]}/resolve` });
    expect(again.statusCode).toBe(409);
    await f.worker.tick();
    const resolvedMail = smtp.mails.find((m) => m.subject.startsWith('Resolved: ') && m.subject.includes(' DE:'));
    expect(resolvedMail?.text).toContain(`Resolved by ${t.adminKeyId}: restarted the PSP adapter.`);
  });

  it('resolves in bulk and names the alerts it skipped', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/v1/alerts/resolve', payload: { ids: [ids[1], ids[0], 'alr_missing'], note: 'incident closed' } });
    expect(res.json()).toEqual({ resolved: [ids[1]], skipped: [{ id: ids[0], reason: 'resolved already' }, { id: 'alr_missing', reason: 'not found' }] });
    expect((await t.inject({ method: 'POST', url: '/api/v1/alerts/resolve', payload: { ids: [] } })).statusCode).toBe(400);
  });

  it('counts by status, severity, KPI and day with the mean times to acknowledge and to resolve', async () => {
    const stats = (await t.inject({ method: 'GET', url: `/api/v1/alerts/statistics?kpiId=${kpi.id}` })).json();
    expect(stats).toMatchObject({
      total: 3, byStatus: { resolved: 2, open: 1 }, bySeverity: { critical: 2, medium: 1 },
      byKpi: [{ kpiId: kpi.id, indicator: 'Api deposits', count: 3 }], byDay: [{ day: '2026-03-02', count: 3 }],
    });
    expect(stats.meanSecondsToAcknowledge).toBe(180);
    expect(stats.meanSecondsToResolve).toBeGreaterThan(0);
  });
});

describe('the delivery log and dead letters', () => {
  it('lists notifications by status and retries a dead letter; a sent one cannot be retried', async () => {
    await f.worker.tick(); // what resolving queued
    const sent = (await t.inject({ method: 'GET', url: `/api/v1/notifications?alertId=${ids[2]}` })).json();
    expect(sent.items).toMatchObject([{ status: 'sent', recipient: 'api@example.com' }]);
    expect((await t.inject({ method: 'POST', url: `/api/v1/notifications/${sent.items[0].id}/retry` })).statusCode).toBe(409);

    await store.db.query(`UPDATE notifications SET status = 'dead', last_error = 'mailbox full', sent_at = NULL WHERE id = $1`, [sent.items[0].id]);
    const dead = (await t.inject({ method: 'GET', url: '/api/v1/notifications?status=dead' })).json();
    expect(dead.items.map((n: { id: string }) => n.id)).toEqual([sent.items[0].id]);
    const retried = await t.inject({ method: 'POST', url: `/api/v1/notifications/${sent.items[0].id}/retry` });
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 });
    smtp.mails.length = 0;
    await f.worker.tick();
    expect(smtp.mails.map((m) => m.notificationId)).toEqual([sent.items[0].id]);
    expect((await t.inject({ method: 'POST', url: '/api/v1/notifications/ntf_nope/retry' })).statusCode).toBe(404);
  });
});

describe('preview', () => {
  it('renders subject, body and SMS for a given value, and 404s for an unknown KPI', async () => {
    const res = await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpi.id}/preview`, payload: { value: 70, baseline: 100, key: 'DE' } });
    expect(res.json()).toMatchObject({ subject: '[high] Api deposits DE: 70 vs baseline 100 (-30.0%)', severity: 'high', sms: '[high] Api deposits DE: 70 vs baseline 100 (-30.0%)' });
    expect(res.json().body).toContain('The rule (adaptive band, medium sensitivity) accepted n/a.'); // numbers given by hand: no band
    expect((await t.inject({ method: 'POST', url: '/api/v1/kpis/kpi_nope/preview', payload: { value: 1 } })).statusCode).toBe(404);
    expect((await t.inject({ method: 'POST', url: `/api/v1/kpis/${kpi.id}/preview`, payload: { value: 'x' } })).statusCode).toBe(400);
  });
});

describe('access', () => {
  it('every alert and notification route declares its scope: alerts:read to look, alerts:write to change', () => {
    const routes = t.app.routeTable.filter((r) => /\/(alerts|notifications)/.test(r.url) || r.url.endsWith('/preview'));
    expect(routes.map((r) => `${r.method} ${r.url} ${r.access}`).sort()).toEqual([
      'GET /api/v1/alerts alerts:read', 'GET /api/v1/alerts/:id alerts:read', 'GET /api/v1/alerts/statistics alerts:read',
      'GET /api/v1/notifications alerts:read', 'POST /api/v1/alerts/:id/acknowledge alerts:write', 'POST /api/v1/alerts/:id/resolve alerts:write',
      'POST /api/v1/alerts/resolve alerts:write', 'POST /api/v1/kpis/:id/preview kpi:read', 'POST /api/v1/notifications/:id/retry alerts:write',
    ]);
  });
});
