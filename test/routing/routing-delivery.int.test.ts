import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, startSmtp, type AlertFixture, type TestSmtp } from '../alerts/fixture.ts';

/**
 * One alert, routed by rules to exactly the teams they name: the mails arrive at a real SMTP server for
 * the KPI's own contact and the routed teams' members only, and `POST /routes/test` said the same.
 */
let store: TestStore;
let smtp: TestSmtp;
let f: AlertFixture;
let t: TestApp;

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  f = await alertFixture(store, { smtpUrl: smtp.url });
  t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings } });
});
afterAll(async () => {
  await t.close();
  f.close();
  await smtp.stop();
  await store.close();
});

async function contact(name: string, phone: string | null = null): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: { name, email: `${name}@example.com`, phone } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
async function team(name: string, members: string[]): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/v1/teams', payload: { name, members, channels: [] } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function route(payload: object): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/v1/routes', payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('an alert routed to teams', () => {
  it('given rules with continue, a stop and a default, when a KPI breaches, then exactly the named teams\' members receive, and routes/test agrees', async () => {
    const checkout = await team('Checkout on-call', [await contact('ann', '+4915100000001'), await contact('bob')]);
    const payments = await team('Payments', [await contact('cara')]);
    const search = await team('Search', [await contact('dan')]);
    const nightly = await team('Nightly', [await contact('eve')]);
    const notForUs = await route({ name: 'search KPIs', position: 5, match: { labels: { team: 'search' } }, teams: [search], channels: [] });
    const critical = await route({ name: 'critical checkout', match: { labels: { team: 'checkout' }, severities: ['critical'] }, teams: [checkout], channels: [], continue: true });
    const owner = await route({ name: 'payments owner', match: { owners: ['payments'] }, teams: [payments, checkout], channels: [] });
    await route({ name: 'after the stop', match: { owners: ['payments'] }, teams: [search], channels: [] });
    expect((await t.inject({ method: 'PUT', url: '/api/v1/routes/default', payload: { teams: [nightly], channels: [] } })).statusCode).toBe(200);

    const kpi = await f.makeKpi({
      indicator: 'Checkout conversions', owner: 'payments', priority: 2, labels: { team: 'checkout' },
      subjectTemplate: '[{severity}] {indicator} for {labels.team}{labels.region}',
    }, [buildContact({ name: 'kim', email: 'kim@example.com', phone: '+4915100000009' })]);

    const test = await t.inject({ method: 'POST', url: '/api/v1/routes/test', payload: { kpiId: kpi.id } });
    expect(test.statusCode, test.body).toBe(200);
    const plan = test.json();
    expect(plan).toMatchObject({
      matched: [{ id: critical, name: 'critical checkout' }, { id: owner, name: 'payments owner' }], usedDefault: false, severity: 'critical',
      teams: expect.arrayContaining([{ id: checkout, name: 'Checkout on-call' }, { id: payments, name: 'Payments' }]),
    });
    expect(plan.matched.map((m: { id: string }) => m.id)).not.toContain(notForUs);
    expect(plan.teams).toHaveLength(2);
    expect(plan.recipients.map((r: { address: string; via: string }) => [r.address, r.via])).toEqual([
      ['kim@example.com', 'kpi'], ['ann@example.com', `team:${checkout}`], ['bob@example.com', `team:${checkout}`], ['cara@example.com', `team:${payments}`],
    ]);

    smtp.mails.length = 0;
    const { opened } = await f.judge(breach(kpi));
    expect(opened).toHaveLength(1);
    expect(await f.worker.tick()).toMatchObject({ sent: 4, failed: 0 });
    const received = smtp.mails.flatMap((m) => m.to).sort();
    expect(received).toEqual(['ann@example.com', 'bob@example.com', 'cara@example.com', 'kim@example.com']);
    expect(received).toEqual(plan.recipients.map((r: { address: string }) => r.address).sort());
    // Priority 2: no SMS to anyone, however their phone is set; the label fills the subject, a missing one is empty.
    expect(new Set(smtp.mails.map((m) => m.subject))).toEqual(new Set(['[critical] Checkout conversions for checkout']));
  });

  it('given no rule matches, when a KPI breaches, then the default route\'s team receives besides the KPI\'s own contact', async () => {
    const kpi = await f.makeKpi({ indicator: 'Signups', owner: 'growth', priority: 1 }, [buildContact({ name: 'gus', email: 'gus@example.com', phone: null })]);
    const plan = (await t.inject({ method: 'POST', url: '/api/v1/routes/test', payload: { kpiId: kpi.id, severity: 'low' } })).json();
    expect(plan).toMatchObject({ matched: [], usedDefault: true, teams: [{ name: 'Nightly' }] });
    smtp.mails.length = 0;
    await f.judge(breach(kpi));
    await f.worker.tick();
    expect(smtp.mails.flatMap((m) => m.to).sort()).toEqual(['eve@example.com', 'gus@example.com']);
  });
});
