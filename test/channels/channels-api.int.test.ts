import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import { createAlertWorker } from '../../src/adapters/delivery/alert-worker.ts';
import { createAuditProjection } from '../../src/adapters/audit/audit-projection.ts';
import { createChannelDelivery } from '../../src/adapters/notifiers/channel-delivery.ts';
import { createLogger } from '../../src/adapters/observability/logger.ts';
import { formatReplayReport, replay } from '../../src/adapters/replay/replay.ts';
import type { Queryable } from '../../src/adapters/storage/db.ts';
import { channelRepo } from '../../src/adapters/storage/channels.repo.ts';
import { handleJudgements } from '../../src/core/alerts/handle-judgements.ts';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import type { AlertSettings } from '../../src/core/alerts/notify.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { givenKey } from '../helpers/auth.ts';
import { testClock } from '../helpers/clock.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { settle } from '../helpers/subscriptions.ts';
import { buildDataSource, buildKpi } from '../helpers/factories.ts';
import { breach, meta, notifierFor, startSmtp, type TestSmtp } from '../alerts/fixture.ts';
import { createMailer, type Mailer } from '../../src/adapters/notifiers/mail.ts';
import { pagerdutyContract, telegramContract } from './contracts.ts';
import { startProvider, type ProviderReceiver } from './provider-receiver.ts';

/**
 * /api/v1/channels as a user meets it: CRUD with declared scopes, secrets write-only and sealed, the
 * configured webhooks as read-only channels, the test action, and no secret in the store or the logs.
 */
const PD_KEY = 'pd-routing-key-that-must-never-show-0001';
const TG_TOKEN = '987654321:AAtelegram-token-that-must-never-show';
const clock = testClock('2026-03-02T09:00:00Z');
const logLines: string[] = [];
let t: TestApp;
let pd: ProviderReceiver;
let tg: ProviderReceiver;
let configuredHook: ProviderReceiver;
let store: TestStore;
let smtp: TestSmtp;
let mailer: Mailer;

beforeAll(async () => {
  pd = await startProvider(pagerdutyContract(PD_KEY));
  tg = await startProvider(telegramContract(TG_TOKEN, '4242'));
  configuredHook = await startProvider({ check: () => [], success: () => ({ status: 204 }) });
  const logger = createLogger('trace', { write: (line: string) => void logLines.push(line) });
  store = await createTestStore();
  // A configured webhook, as WEBHOOK_URL makes one; the test action and the API share the app's secret box.
  const secrets = createSecretBox(randomBytes(32));
  const configured = [{ name: 'ops-hook', kind: 'webhook' as const, url: `${configuredHook.url}/configured-secret-path`, kpis: null }];
  smtp = await startSmtp();
  mailer = createMailer({ smtpUrl: smtp.url, from: 'grid@example.com' });
  const delivery = createChannelDelivery({
    channels: channelRepo(store.db), secrets, configured, webhookSecret: null, timeoutMs: 2000, clock, mailer, smsGatewayDomain: 'sms.example.net',
  });
  t = await buildTestApp({ clock, store, overrides: { logger, secrets, channels: { delivery, configured } } });
});
afterAll(async () => {
  await t.close();
  await store.close();
  await Promise.all([pd.close(), tg.close(), configuredHook.close()]);
  mailer.close();
  await smtp.stop();
});

const post = (payload: object) => t.inject({ method: 'POST', url: '/api/v1/channels', payload });

async function dumpDatabase(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
  const parts = await Promise.all(rows.map(async ({ table_name }) =>
    (await db.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`)).rows.map((r) => r.row).join('\n')));
  return parts.join('\n');
}

describe('creating and reading channels', () => {
  it('keeps the secrets write-only: the answer says which are set, never their values', async () => {
    const res = await post({ name: 'On-call', kind: 'pagerduty', settings: { routingKey: PD_KEY, url: `${pd.url}/v2/enqueue` }, owners: ['payments-team'] });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain(PD_KEY);
    const c = res.json();
    expect(c).toMatchObject({ id: expect.stringMatching(/^chn_/), kind: 'pagerduty', settings: { url: `${pd.url}/v2/enqueue` }, secrets: { routingKey: true }, owners: ['payments-team'], kpis: null, active: true, readOnly: false, version: 1 });
    const read = await t.inject({ method: 'GET', url: `/api/v1/channels/${c.id}` });
    expect(read.json()).toEqual(c);
    expect(read.headers.etag).toBe('"1"');
    expect((await t.inject({ method: 'GET', url: `/api/v1/channels/${c.id}?asOf=1` })).json()).toEqual(c);
  });

  it('refuses what the provider needs but is missing, unknown settings and bad addresses, all at once, as problem+json', async () => {
    const res = await post({ name: 'Chat', kind: 'telegram', settings: { chatId: 'not a chat', colour: 'red', url: 'ftp://x' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['/settings/botToken', '/settings/chatId', '/settings/colour', '/settings/url']);
    expect((await post({ name: 'x', kind: 'carrier-pigeon', settings: {} })).statusCode).toBe(400);
    expect((await post({ name: 'x', kind: 'slack', settings: { url: 42 } })).statusCode).toBe(400);
    const dup = await post({ name: 'On-call', kind: 'slack', settings: { url: 'https://hooks.slack.com/services/T/B/x' } });
    expect(dup.statusCode).toBe(409);
  });

  it('lists the configured webhooks as read-only channels that cannot be changed here', async () => {
    const list = (await t.inject({ method: 'GET', url: '/api/v1/channels' })).json();
    expect(list.items[0]).toMatchObject({ id: 'env_ops-hook', name: 'ops-hook', kind: 'webhook', readOnly: true, secrets: { url: true, signingSecret: false } });
    expect(JSON.stringify(list)).not.toContain('configured-secret-path');
    const patch = await t.inject({ method: 'PATCH', url: '/api/v1/channels/env_ops-hook', payload: { name: 'renamed' } });
    expect(patch.statusCode).toBe(409);
    expect(patch.json().detail).toContain('environment variables');
    expect((await t.inject({ method: 'DELETE', url: '/api/v1/channels/env_ops-hook' })).statusCode).toBe(409);
  });
});

describe('changing and deleting', () => {
  it('merges settings: a new secret replaces the old, one left out is kept; the kind stays; If-Match guards the version', async () => {
    const c = (await post({ name: 'Team chat', kind: 'telegram', settings: { botToken: '111:first-token-value-xyz-000000', chatId: '4242', url: tg.url } })).json();
    const renamed = await t.inject({ method: 'PATCH', url: `/api/v1/channels/${c.id}`, headers: { 'if-match': '"1"' }, payload: { name: 'Team chat DE' } });
    expect(renamed.json()).toMatchObject({ name: 'Team chat DE', version: 2, secrets: { botToken: true } });
    const rotated = await t.inject({ method: 'PATCH', url: `/api/v1/channels/${c.id}`, payload: { settings: { botToken: TG_TOKEN } } });
    expect(rotated.json()).toMatchObject({ version: 3, settings: { chatId: '4242', url: tg.url } });
    expect((await t.inject({ method: 'POST', url: `/api/v1/channels/${c.id}/test` })).json()).toEqual({ ok: true, error: null, retryAfterMs: null, permanent: false });
    expect(tg.received.at(-1)!.path).toBe(`/bot${TG_TOKEN}/sendMessage`); // the new token is the one used
    const stale = await t.inject({ method: 'PATCH', url: `/api/v1/channels/${c.id}`, headers: { 'if-match': '"1"' }, payload: { active: false } });
    expect(stale.statusCode).toBe(409);
    expect((await t.inject({ method: 'PATCH', url: `/api/v1/channels/${c.id}`, payload: { kind: 'slack' } })).statusCode).toBe(400);
    expect((await t.inject({ method: 'PATCH', url: `/api/v1/channels/${c.id}`, payload: { settings: { botToken: null } } })).json().errors[0].path).toBe('/settings/botToken');
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/channels/${c.id}` })).statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: `/api/v1/channels/${c.id}` })).statusCode).toBe(404);
    expect((await t.inject({ method: 'POST', url: `/api/v1/channels/${c.id}/test` })).statusCode).toBe(404);
  });
});

describe('the test action', () => {
  it('triggers and resolves a PagerDuty test incident, and reports a provider that refuses as permanent, without the secret', async () => {
    const c = (await post({ name: 'PD test', kind: 'pagerduty', settings: { routingKey: PD_KEY, url: `${pd.url}/v2/enqueue` } })).json();
    const before = pd.received.length;
    expect((await t.inject({ method: 'POST', url: `/api/v1/channels/${c.id}/test` })).json()).toMatchObject({ ok: true });
    const sent = pd.received.slice(before).map((r) => r.json as { event_action: string; dedup_key: string; payload?: { severity: string } });
    expect(sent.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(sent[0]!.dedup_key).toBe(sent[1]!.dedup_key);
    expect(sent[0]!.payload?.severity).toBe('info');
    expect(pd.violations).toEqual([]);

    pd.script({ status: 401, body: { status: 'unauthorized', message: `bad routing_key ${PD_KEY}` } });
    const refused = (await t.inject({ method: 'POST', url: `/api/v1/channels/${c.id}/test` })).json();
    expect(refused).toMatchObject({ ok: false, permanent: true, retryAfterMs: null });
    expect(refused.error).toContain('HTTP 401');
    expect(refused.error).not.toContain(PD_KEY);
    pd.script({ status: 429, headers: { 'retry-after': '12' } });
    expect((await t.inject({ method: 'POST', url: `/api/v1/channels/${c.id}/test` })).json()).toMatchObject({ ok: false, permanent: false, retryAfterMs: 12_000 });
  });

  it('mails the test of an email channel, and texts the one of an SMS channel through the gateway', async () => {
    const mailbox = (await post({ name: 'Ops mailbox', kind: 'email', settings: { address: 'ops@example.com' } })).json();
    const phone = (await post({ name: 'Duty phone', kind: 'sms', settings: { phone: '+4915112345678' } })).json();
    expect((await t.inject({ method: 'POST', url: `/api/v1/channels/${mailbox.id}/test` })).json()).toMatchObject({ ok: true });
    expect((await t.inject({ method: 'POST', url: `/api/v1/channels/${phone.id}/test` })).json()).toMatchObject({ ok: true });
    expect(smtp.mails.map((m) => [m.to, m.subject, m.text])).toEqual([
      [['ops@example.com'], 'MonitoringGrid test message for Ops mailbox', 'This channel is set up: alerts of the KPIs it serves will arrive here.'],
      [['4915112345678@sms.example.net'], '', 'MonitoringGrid test message for Duty phone'],
    ]);
    for (const c of [mailbox, phone]) await t.inject({ method: 'DELETE', url: `/api/v1/channels/${c.id}` });
  });

  it('tests a configured webhook too', async () => {
    expect((await t.inject({ method: 'POST', url: '/api/v1/channels/env_ops-hook/test' })).json()).toMatchObject({ ok: true });
    expect(configuredHook.received.at(-1)!.path).toBe('/configured-secret-path');
  });
});

describe('the API document', () => {
  it('describes the channel routes, with the secrets marked write-only', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/channels', '/api/v1/channels/{id}', '/api/v1/channels/{id}/test']));
    expect(JSON.stringify(doc.paths['/api/v1/channels'].post)).toContain('write-only');
  });
});

describe('access', () => {
  it('a viewer key reads channels but cannot change or test them; no key is 401', async () => {
    const viewer = await givenKey(t, { scopes: ['channels:read'] });
    const h = { 'x-api-key': viewer.key };
    expect((await t.inject({ method: 'GET', url: '/api/v1/channels', headers: h })).statusCode).toBe(200);
    expect((await t.inject({ method: 'POST', url: '/api/v1/channels', headers: h, payload: { name: 'v', kind: 'slack', settings: { url: 'https://x.example/h' } } })).statusCode).toBe(403);
    expect((await t.inject({ method: 'POST', url: '/api/v1/channels/env_ops-hook/test', headers: h })).statusCode).toBe(403);
    const kpiReader = await givenKey(t, { scopes: ['kpi:read'] });
    expect((await t.inject({ method: 'GET', url: '/api/v1/channels', headers: { 'x-api-key': kpiReader.key } })).statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/api/v1/channels', anonymous: true })).statusCode).toBe(401);
  });
});

describe('secrets at rest and in the logs; replay', () => {
  it('after channels are made, changed, tested and delivered to (a failure echoing the key included), no secret is in the dump or the logs', async () => {
    const hookSecret = 'http://127.0.0.1:1/services/T000/B000/secret-slack-path-xyz';
    const slack = (await post({ name: 'Slack secrets', kind: 'slack', settings: { url: hookSecret } })).json();
    await t.inject({ method: 'POST', url: `/api/v1/channels/${slack.id}/test` }); // refused: nothing listens there
    // An alert delivered to the PagerDuty channel by the worker; the provider echoes the key in a 500.
    const settings: AlertSettings = { policy: DEFAULT_ALERT_POLICY, routing: { mailEnabled: false, smsGatewayDomain: null, webhooks: [] }, linkBaseUrl: 'http://grid.example' };
    const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: buildDataSource() })).json();
    const kpi = (await t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: ds.id, owner: 'payments-team' }) })).json();
    await t.deps.uow.run((tx) => handleJudgements(tx, [breach(kpi)], { ...t.deps, settings }, meta));
    pd.script({ status: 500, body: { message: `internal error for ${PD_KEY}` } });
    const worker = createAlertWorker({
      ...t.deps, db: t.store.db, settings, retry: { retryCount: 1, baseDelayMs: 1000 }, random: () => 0.5,
      notifier: notifierFor(t.store, t.deps, { mailer: null, clock, log: () => undefined }),
    });
    // Three channels serve the KPI: "On-call" (its owner), "PD test" and "Slack secrets" (all KPIs).
    expect(await worker.tick()).toMatchObject({ sent: 1, failed: 2 });
    clock.advance(1000);
    expect(await worker.tick()).toMatchObject({ sent: 1, failed: 1 }); // PagerDuty took the retry; Slack's address is dead

    await settle(createAuditProjection(t.store.db)); // the audit trail's rows are in the dump too
    const dump = await dumpDatabase(t.store.db);
    const logs = logLines.join('');
    expect(dump).toContain('Slack secrets'); // the search finds what is meant to be there
    expect(dump).toContain('Changed channel \\"Team chat DE\\": secrets changed (set: \\"botToken\\")');
    expect(dump).toContain('internal error for [secret]');
    expect(logs).toContain('/api/v1/channels');
    for (const secret of [PD_KEY, TG_TOKEN, '111:first-token-value-xyz-000000', hookSecret, 'configured-secret-path']) {
      expect(dump.includes(secret), `${secret} in the database`).toBe(false);
      expect(logs.includes(secret), `${secret} in the logs`).toBe(false);
    }
  });

  it('replay rebuilds the channels table from the events, sealed secrets and all', async () => {
    const report = await replay(t.store.db);
    const channels = report.tables.find((x) => x.table === 'channels');
    expect(channels?.rows, formatReplayReport(report)).toBeGreaterThan(2);
    expect(channels?.differences, formatReplayReport(report)).toBe(0);
    expect(report.unreadable).toEqual([]);
  });
});
