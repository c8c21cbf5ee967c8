import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../../src/adapters/audit/audit-projection.ts';
import { createLinkSigner } from '../../src/adapters/crypto/action-link-key.ts';
import { createLogger } from '../../src/adapters/observability/logger.ts';
import type { Kpi } from '../../src/core/kpis/kpi.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { settle } from '../helpers/subscriptions.ts';
import { alertFixture, breach, MINUTE, startHookServer, startSmtp, type AlertFixture, type TestSmtp } from './fixture.ts';

/**
 * Issue 19, item 5: the links in an alert's message, taken from the mail a real SMTP server received,
 * used through their pages as a person (or a mail scanner) would.
 */
let store: TestStore;
let smtp: TestSmtp;
let hooks: Awaited<ReturnType<typeof startHookServer>>;
let f: AlertFixture;
let t: TestApp;
let kpi: Kpi;
const signer = createLinkSigner(randomBytes(32));
const logLines: string[] = [];
const EMAIL = 'links@example.com';
const HTML = { accept: 'text/html,application/xhtml+xml' };
const FORM = { ...HTML, 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  store = await createTestStore();
  smtp = await startSmtp();
  hooks = await startHookServer();
  f = await alertFixture(store, { smtpUrl: smtp.url, actionLinks: signer, webhooks: [{ name: 'hook', kind: 'webhook', url: hooks.url, kpis: null }] });
  const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
  t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings, actionLinks: signer, logger } });
  kpi = await f.makeKpi({ indicator: 'Link deposits', cooldownMinutes: 0, priority: 1 }, [buildContact({ email: EMAIL, phone: '+4915100000000' })]);
});
afterAll(async () => {
  await t.close();
  f.close();
  await smtp.stop();
  await hooks.close();
  await store.close();
});

type Links = Record<'acknowledge' | 'resolve' | 'silence', string>;

/** Opens an alert for `key`, delivers it, and returns the alert and the paths of the links in its mail. */
async function alertWithMail(key: string): Promise<{ alertId: string; links: Links; text: string }> {
  const [alertId] = (await f.judge(breach(kpi, { key }))).opened;
  await f.worker.tick();
  const mail = smtp.mails.find((m) => m.to.includes(EMAIL) && m.subject.includes(` ${key}:`));
  expect(mail, `a mail about ${key}`).toBeDefined();
  const path = (label: string): string => new URL(new RegExp(`${label}: (\\S+)`).exec(mail!.text)![1]!).pathname;
  return { alertId: alertId!, text: mail!.text, links: { acknowledge: path('Acknowledge'), resolve: path('Resolve'), silence: path('Silence for 1 hour') } };
}

const alert = async (id: string) => (await t.inject({ method: 'GET', url: `/api/v1/alerts/${id}` })).json();
const open = (path: string, headers: Record<string, string> = HTML) => t.inject({ method: 'GET', url: path, anonymous: true, headers });
const use = (path: string, headers: Record<string, string> = FORM) => t.inject({ method: 'POST', url: path, anonymous: true, headers, payload: 'confirm=1' });
const linkEvents = async (alertId: string) =>
  (await t.inject({ method: 'GET', url: `/api/v1/streams/alert-${alertId}` })).json().events.filter((e: { type: string }) => e.type === 'AlertActionLinkUsed');

describe('an acknowledge link', () => {
  it('the mail carries the links under PUBLIC_URL; the SMS carries none', async () => {
    const { text } = await alertWithMail('DE');
    expect(text).toMatch(/Acknowledge: http:\/\/grid\.example\/actions\/ntf_\S+\nResolve: http:\/\/grid\.example\/actions\/\S+\nSilence for 1 hour: /);
    const sms = smtp.mails.filter((m) => m.to.some((to) => to.endsWith('@sms.example.net')));
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((m) => !m.text.includes('/actions/'))).toBe(true);
  });

  it('GET shows a confirmation page and changes nothing; POST acknowledges once; the second POST is refused', async () => {
    const { alertId, links } = await alertWithMail('FR');
    for (let i = 0; i < 2; i++) {
      const page = await open(links.acknowledge);
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('Acknowledge this alert?');
      expect(page.body).toContain('<form method="post">');
      expect(page.body).toContain(EMAIL);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    }
    expect((await alert(alertId)).status).toBe('open');
    expect(await linkEvents(alertId)).toEqual([]);

    const done = await use(links.acknowledge);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain('Acknowledged');
    expect(await alert(alertId)).toMatchObject({ status: 'acknowledged', acknowledgedBy: `link:${EMAIL}` });

    const again = await use(links.acknowledge);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('used already');
    const again2 = await use(links.acknowledge, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(again2.statusCode).toBe(409);
    expect(again2.headers['content-type']).toContain('application/problem+json');
    expect((await open(links.acknowledge)).statusCode).toBe(409);
    expect(await linkEvents(alertId)).toHaveLength(1);
  });

  it('each use is an audited event naming the recipient and the alert', async () => {
    const { alertId, links } = await alertWithMail('IT');
    expect((await use(links.acknowledge)).statusCode).toBe(200);
    const [event] = await linkEvents(alertId);
    expect(event).toMatchObject({ data: { id: alertId, action: 'acknowledge', channel: 'email', recipient: EMAIL }, metadata: { actor: `link:${EMAIL}` } });
    await settle(createAuditProjection(store.db));
    const { items } = (await t.inject({ method: 'GET', url: `/api/v1/audittrail/entity/alert/${alertId}` })).json();
    const summaries = items.map((i: { summary: string }) => i.summary);
    expect(summaries).toContainEqual(expect.stringMatching(new RegExp(`^Acknowledged alert ${alertId} through the action link sent by email to ${EMAIL}`)));
  });

  it('two uses at once: exactly one acknowledges, the other is refused', async () => {
    const { alertId, links } = await alertWithMail('ES');
    const answers = await Promise.all([use(links.acknowledge), use(links.acknowledge), use(links.acknowledge)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409, 409]);
    expect(await linkEvents(alertId)).toHaveLength(1);
  });

  it('after 24 hours (a moved clock) the link is refused with 410 and changes nothing', async () => {
    const { alertId, links } = await alertWithMail('PL');
    f.clock.advance(24 * 60 * MINUTE + 1000);
    try {
      const page = await open(links.acknowledge);
      expect(page.statusCode).toBe(410);
      expect(page.body).toContain('expired');
      expect((await use(links.acknowledge)).statusCode).toBe(410);
      expect((await use(links.resolve, { 'content-type': 'application/x-www-form-urlencoded' })).headers['content-type']).toContain('application/problem+json');
      expect((await alert(alertId)).status).toBe('open');
    } finally {
      f.clock.advance(-(24 * 60 * MINUTE + 1000));
    }
  });
});

describe('resolve and silence links', () => {
  it('a resolve link resolves; the acknowledge link of a resolved alert is refused and stays unused', async () => {
    const { alertId, links } = await alertWithMail('NL');
    expect((await use(links.resolve)).statusCode).toBe(200);
    expect(await alert(alertId)).toMatchObject({ status: 'resolved', resolvedBy: `link:${EMAIL}`, resolution: 'manual' });
    const ack = await use(links.acknowledge);
    expect(ack.statusCode).toBe(409);
    expect(ack.body).toContain('resolved already');
    expect((await linkEvents(alertId)).map((e: { data: { action: string } }) => e.data.action)).toEqual(['resolve']);
    const page = await open(links.acknowledge);
    expect(page.statusCode).toBe(409); // the page says so before anyone confirms
    expect(page.body).toContain('resolved already');
    expect(await t.store.db.query('SELECT 1 FROM action_link_uses WHERE notification_id = $1 AND action = \'acknowledge\'', [links.acknowledge.split('/').pop()!.split('.')[0]]))
      .toMatchObject({ rows: [] }); // the refusal did not use the link up
  });

  it('a silence link silences the alert\'s KPI and key for one hour', async () => {
    const { alertId, links } = await alertWithMail('BE');
    const now = f.clock.now().getTime();
    expect((await use(links.silence)).statusCode).toBe(200);
    const silenced = await alert(alertId);
    expect(silenced.silenceId).toMatch(/^sil_/);
    const silence = (await t.inject({ method: 'GET', url: `/api/v1/silences/${silenced.silenceId}` })).json();
    expect(silence).toMatchObject({ kpiIds: [kpi.id], keyPattern: 'BE', createdBy: `link:${EMAIL}`, inForce: true });
    expect(new Date(silence.endsAt).getTime()).toBe(now + 60 * MINUTE);
    const [event] = await linkEvents(alertId);
    expect(event.data).toMatchObject({ action: 'silence', silenceId: silenced.silenceId, recipient: EMAIL });
  });

  it('a webhook payload carries the links as `actions`', async () => {
    await alertWithMail('AT');
    const hook = hooks.hooks.map((h) => JSON.parse(h.body)).find((b) => b.alert?.key === 'AT');
    expect(hook.actions.map((a: { action: string }) => a.action)).toEqual(['acknowledge', 'resolve', 'silence']);
    expect(hook.actions[0].url).toMatch(/^http:\/\/grid\.example\/actions\/ntf_/);
  });
});

describe('hostile links answer 4xx, never 5xx, and reveal nothing', () => {
  it('a tampered signature, a changed action, another key\'s token, junk and a huge token', async () => {
    const { alertId, links } = await alertWithMail('CH');
    const token = links.acknowledge.slice('/actions/'.length);
    const [id, code, expiry, mac] = token.split('.') as [string, string, string, string];
    const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
    const other = createLinkSigner(randomBytes(32)).sign(`v1.${id}.${code}.${expiry}`);
    const hostile = [
      `${id}.${code}.${expiry}.${flipped}`, `${id}.r.${expiry}.${mac}`, `${id}.x.${expiry}.${mac}`, `${id}.${code}.zzzzzz.${mac}`,
      `${id}.${code}.${expiry}.${other}`, 'x', `${token}.`, encodeURIComponent('<script>'), `ntf_${'0'.repeat(26)}.a.${expiry}.${mac}`,
    ];
    for (const bad of hostile) {
      for (const send of [open, use]) {
        const res = await send(`/actions/${bad}`);
        expect(res.statusCode, bad).toBe(404);
        expect(res.body).not.toContain(alertId);
        expect(res.body).not.toContain(EMAIL);
        const api = await send(`/actions/${bad}`, { 'content-type': 'application/x-www-form-urlencoded' });
        expect(api.statusCode).toBe(404);
        expect(api.headers['content-type']).toContain('application/problem+json');
      }
    }
    for (const path of [`/actions/${'x'.repeat(5000)}`, `/actions/${'x'.repeat(300)}`, '/actions/a%00b']) {
      for (const send of [open, use]) {
        const res = await send(path);
        expect(res.statusCode, path.slice(0, 40)).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }
    }
    expect((await alert(alertId)).status).toBe('open');
    expect(await linkEvents(alertId)).toEqual([]);
  });

  it('no credential is read or needed, and a JWT or key does not change what a link may do', async () => {
    const { links } = await alertWithMail('DK');
    const withKey = await t.inject({ method: 'GET', url: links.acknowledge, headers: HTML });
    expect(withKey.statusCode).toBe(200);
    expect((await open('/actions/nothing', { ...HTML, 'x-api-key': 'let-me-in' })).statusCode).toBe(404);
  });

  it('the store keeps no token: no table holds a link\'s signature; the request log shows none', async () => {
    const { links } = await alertWithMail('SE');
    await use(links.resolve);
    const mac = links.acknowledge.split('.').pop()!;
    const { rows } = await store.db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
    for (const { table_name } of rows) {
      const dump = await store.db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      for (const { row } of dump.rows) for (const m of [mac, links.resolve.split('.').pop()!]) expect(row.includes(m), table_name).toBe(false);
    }
    expect(logLines.some((l) => l.includes('/actions/[redacted]'))).toBe(true);
    expect(logLines.filter((l) => l.includes(links.resolve.split('.').pop()!))).toEqual([]);
  });
});
