import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendAll } from '../../src/adapters/notifiers/http-send.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/adapters/notifiers/webhook-signature.ts';
import { acknowledgeAlert } from '../../src/core/alerts/alert-commands.ts';
import { createChannel } from '../../src/core/channels/channel-commands.ts';
import type { ChannelInput } from '../../src/core/channels/channel.ts';
import type { Kpi } from '../../src/core/kpis/kpi.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { alertFixture, breach, meta, MINUTE, recovered, type AlertFixture } from '../alerts/fixture.ts';
import { discordContract, opsgenieContract, pagerdutyContract, teamsContract, telegramContract } from './contracts.ts';
import { jsonPost, startProvider, type Answer, type ProviderReceiver } from './provider-receiver.ts';

/**
 * Each provider through the real path: a breach opens an alert, the outbox row goes through the worker
 * to a local receiver that checks the request as the provider documents it and answers like it,
 * including its failure answers (429 with Retry-After, 5xx, a permanent 4xx).
 */
const PD_KEY = 'R0ut1ngKeyOfTh1rtyTwoCharacters1';
const OG_KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';
const TG_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

let store: TestStore;
let f: AlertFixture;
const receivers: ProviderReceiver[] = [];

beforeAll(async () => {
  store = await createTestStore();
  f = await alertFixture(store, { smtpUrl: 'smtp://127.0.0.1:1?ignoreTLS=true' });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  f.close();
  await store.close();
});

async function provider(contract: Parameters<typeof startProvider>[0]): Promise<ProviderReceiver> {
  const r = await startProvider(contract);
  receivers.push(r);
  return r;
}

/** A KPI without contacts and a channel that serves only it: each test hears only its own alerts. */
async function kpiWithChannel(indicator: string, channel: Omit<ChannelInput, 'kpis'>): Promise<Kpi> {
  const kpi = await f.makeKpi({ indicator, priority: 1 }, []);
  await createChannel(f.deps, { ...channel, kpis: [kpi.id] }, meta);
  return kpi;
}

/**
 * The provider first throttles (its 429, which says how long to wait) and then fails (a 5xx): the
 * worker waits exactly the asked time, then the backoff of a second retry (4 minutes), then delivers.
 */
async function throughThrottleAndOutage(r: ProviderReceiver, throttle: Answer, waitMs: number, outage: Answer): Promise<void> {
  r.script(throttle, outage);
  expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 1 });
  f.clock.advance(waitMs - 1);
  expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 0 });
  f.clock.advance(1);
  expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 1 });
  f.clock.advance(4 * MINUTE);
  expect(await f.worker.tick()).toMatchObject({ sent: 1, failed: 0 });
}

const outboxOf = async (alertId: string) => f.deps.uow.read.outbox.forAlert(alertId);
const deliveryEvents = async (alertId: string) =>
  (await readStream(store.db, `alert-${alertId}`)).filter((e) => e.type.startsWith('Notification')).map((e) => `${e.type}:${String(e.data.purpose)}`);

describe('PagerDuty Events API v2', () => {
  it('triggers, acknowledges and resolves one incident under one dedup_key per alert', async () => {
    const pd = await provider(pagerdutyContract(PD_KEY));
    const kpi = await kpiWithChannel('Deposits PD', { name: 'On-call', kind: 'pagerduty', settings: { routingKey: PD_KEY, url: pd.url + '/v2/enqueue' } });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    expect(await f.worker.tick()).toMatchObject({ sent: 1, failed: 0 });
    await acknowledgeAlert({ ...f.deps, settings: f.settings }, alertId!, 'looking', { ...meta, actor: 'usr_ann' });
    expect(await f.worker.tick()).toMatchObject({ sent: 1, failed: 0 });
    expect((await f.judge(recovered(kpi))).resolved).toEqual([alertId]);
    expect(await f.worker.tick()).toMatchObject({ sent: 1, failed: 0 });

    expect(pd.violations).toEqual([]);
    expect(pd.received.map((r) => (r.json as { event_action: string }).event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(new Set(pd.received.map((r) => (r.json as { dedup_key: string }).dedup_key))).toEqual(new Set([alertId]));
    expect(pd.received[0]!.json).toMatchObject({
      routing_key: PD_KEY, client: 'MonitoringGrid', client_url: `http://grid.example/#/alerts/${alertId}`,
      payload: { summary: expect.stringContaining('Deposits PD'), source: 'Deposits PD', severity: 'critical', component: 'DE', custom_details: { value: 40, baseline: 100 } },
    });
    expect(await deliveryEvents(alertId!)).toEqual(['NotificationSent:opened', 'NotificationSent:acknowledged', 'NotificationSent:resolved']);
  });

  it('honours a 429 Retry-After, retries a 5xx, and then delivers once', async () => {
    const pd = await provider(pagerdutyContract(PD_KEY));
    const kpi = await kpiWithChannel('Deposits PD retry', { name: 'On-call retry', kind: 'pagerduty', settings: { routingKey: PD_KEY, url: pd.url + '/v2/enqueue' } });
    pd.script({ status: 429, headers: { 'retry-after': '30' }, body: { status: 'throttle event', message: 'Requests for this service are arriving too quickly.' } },
      { status: 503, body: 'Service Unavailable' });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 1 });
    const [throttled] = await outboxOf(alertId!);
    expect(throttled).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: new Date(f.clock.now().getTime() + 30_000) });
    expect(throttled!.lastError).toContain('HTTP 429');

    f.clock.advance(29_000);
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 0 }); // Retry-After not over yet
    f.clock.advance(1_000);
    expect(await f.worker.tick()).toMatchObject({ sent: 0, failed: 1 }); // the 503
    const [down] = await outboxOf(alertId!);
    expect(down!.lastError).toContain('HTTP 503');
    expect(down!.nextAttemptAt!.getTime() - f.clock.now().getTime()).toBe(4 * MINUTE); // the second retry's backoff (jitter 0.5 = none)
    f.clock.advance(4 * MINUTE);
    expect(await f.worker.tick()).toMatchObject({ sent: 1, failed: 0 });
    expect(await outboxOf(alertId!)).toMatchObject([{ status: 'sent', attempts: 3 }]);
    expect(pd.received).toHaveLength(3);
    expect(await deliveryEvents(alertId!)).toEqual(['NotificationFailed:opened', 'NotificationFailed:opened', 'NotificationSent:opened']);
  });

  it('a 4xx that retrying cannot fix is a dead letter at once, and the key the provider echoes is not in the error', async () => {
    const pd = await provider({
      check: () => [],
      success: (r) => ({ status: 400, body: { status: 'invalid event', message: 'Event object is invalid', errors: [`routing_key ${(r.json as { routing_key: string }).routing_key} is not valid`] } }),
    });
    const kpi = await kpiWithChannel('Deposits PD bad key', { name: 'On-call bad key', kind: 'pagerduty', settings: { routingKey: PD_KEY, url: pd.url + '/v2/enqueue' } });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    expect(await f.worker.tick()).toMatchObject({ failed: 1 });
    const [n] = await outboxOf(alertId!);
    expect(n).toMatchObject({ status: 'dead', attempts: 1, nextAttemptAt: null });
    expect(n!.lastError).toContain('HTTP 400');
    expect(n!.lastError).toContain('routing_key [secret] is not valid');
    expect(n!.lastError).not.toContain(PD_KEY);
  });
});

describe('Opsgenie Alert API', () => {
  it('creates under the alert id as alias, acknowledges and closes by alias; a resolved alert closes the Opsgenie alert', async () => {
    const og = await provider(opsgenieContract(OG_KEY));
    const kpi = await kpiWithChannel('Deposits OG', { name: 'Ops team', kind: 'opsgenie', settings: { apiKey: OG_KEY, url: og.url } });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    await throughThrottleAndOutage(og, { status: 429, headers: { 'retry-after': '3' }, body: { message: 'You are making too many requests!', took: 0.0, requestId: 'x' } }, 3_000,
      { status: 500, body: { message: 'Internal Server Error', took: 0.0, requestId: 'y' } });
    await acknowledgeAlert({ ...f.deps, settings: f.settings }, alertId!, null, meta);
    await f.worker.tick();
    await f.judge(recovered(kpi));
    await f.worker.tick();

    expect(og.violations).toEqual([]);
    expect(og.received.map((r) => r.path)).toEqual([
      '/v2/alerts', '/v2/alerts', '/v2/alerts', `/v2/alerts/${alertId}/acknowledge?identifierType=alias`, `/v2/alerts/${alertId}/close?identifierType=alias`,
    ]);
    expect(og.received[2]!.json).toMatchObject({ alias: alertId, priority: 'P1', source: 'MonitoringGrid', details: { kpi: 'Deposits OG', severity: 'critical' } });
    expect((og.received[2]!.json as { message: string }).message.length).toBeLessThanOrEqual(130);
  });
});

describe('Microsoft Teams (Workflows webhook)', () => {
  it('posts an Adaptive Card; a throttled Workflow (429 Retry-After) is retried when it says, a 502 on the backoff', async () => {
    const teams = await provider(teamsContract());
    const kpi = await kpiWithChannel('Deposits Teams', { name: 'Ops channel', kind: 'msteams', settings: { url: `${teams.url}/workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG` } });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    await throughThrottleAndOutage(teams, { status: 429, headers: { 'retry-after': '5' }, body: { error: { code: 'WorkflowRequestsThrottled', message: 'Rate limit is exceeded.' } } }, 5_000,
      { status: 502, body: { error: { code: 'BadGateway', message: 'The workflow could not be reached.' } } });
    expect(teams.violations).toEqual([]);
    expect(teams.received[1]!.path).toBe('/workflows/abc/triggers/manual/paths/invoke?sig=SECRETSIG');
    const card = (teams.received[2]!.json as { attachments: { content: { body: { text?: string; facts?: unknown[] }[]; actions: unknown[] } }[] }).attachments[0]!.content;
    expect(card.body[0]!.text).toContain('Deposits Teams');
    expect(card.body.find((e) => e.facts)?.facts).toContainEqual({ title: 'Severity', value: 'critical' });
    expect(card.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open the alert', url: `http://grid.example/#/alerts/${alertId}` }]);
    const [n] = await outboxOf(alertId!);
    expect(n!.recipient).toMatch(/^chn_/); // the outbox names the channel, never its URL
  });
});

describe('Telegram Bot API', () => {
  it('sendMessage to the chat; a flood answer (429, parameters.retry_after) waits that long, a 502 on the backoff', async () => {
    const tg = await provider(telegramContract(TG_TOKEN, '-1001234567890'));
    const kpi = await kpiWithChannel('Deposits TG', { name: 'Ops chat', kind: 'telegram', settings: { botToken: TG_TOKEN, chatId: '-1001234567890', url: tg.url } });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    await throughThrottleAndOutage(tg, { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } } }, 7_000,
      { status: 502, body: { ok: false, error_code: 502, description: `Bad Gateway on /bot${TG_TOKEN}/sendMessage` } });
    const [n] = await outboxOf(alertId!);
    expect(n).toMatchObject({ status: 'sent', attempts: 3 });
    const failures = (await readStream(store.db, `alert-${alertId}`)).filter((e) => e.type === 'NotificationFailed').map((e) => String(e.data.error));
    expect(failures.join(' ')).toContain('Bad Gateway on /bot[secret]/sendMessage'); // the token in the path is scrubbed
    expect(failures.join(' ')).not.toContain(TG_TOKEN);
    expect(tg.violations).toEqual([]);
    expect((tg.received[2]!.json as { text: string }).text).toContain(`http://grid.example/#/alerts/${alertId}`);
  });
});

describe('Discord webhook', () => {
  it('posts content that pings nobody; 429 with Retry-After is honoured, a 503 retried on the backoff', async () => {
    const dc = await provider(discordContract());
    const kpi = await kpiWithChannel('@everyone deposits', { name: 'Ops Discord', kind: 'discord', settings: { url: `${dc.url}/api/webhooks/1/tok` } });
    await f.judge(breach(kpi));
    await throughThrottleAndOutage(dc, { status: 429, headers: { 'retry-after': '2' }, body: { message: 'You are being rate limited.', retry_after: 1.5, global: false } }, 2_000,
      { status: 503, body: 'upstream connect error' });
    expect(dc.violations).toEqual([]);
    expect(dc.received[2]!.json).toMatchObject({ content: expect.stringContaining('@everyone deposits'), allowed_mentions: { parse: [] } });
  });
});

describe('a stored webhook with its own signing secret', () => {
  it('is signed with HMAC-SHA256 over "<timestamp>.<body>" and carries the alert as data', async () => {
    const hook = await provider({ check: jsonPost, success: () => ({ status: 204 }) });
    const kpi = await kpiWithChannel('Deposits hook', { name: 'Our receiver', kind: 'webhook', settings: { url: `${hook.url}/in`, signingSecret: 's3cr3t-signing' } });
    const [alertId] = (await f.judge(breach(kpi))).opened;
    expect(await f.worker.tick()).toMatchObject({ sent: 1 });
    const r = hook.received[0]!;
    const ts = String(r.headers[TIMESTAMP_HEADER]);
    expect(r.headers[SIGNATURE_HEADER]).toBe(`sha256=${createHmac('sha256', 's3cr3t-signing').update(`${ts}.${r.raw}`).digest('hex')}`);
    expect(r.json).toMatchObject({ purpose: 'opened', alert: { id: alertId, kpiId: kpi.id, severity: 'critical' } });
  });
});

describe('a hostile provider', () => {
  it('that answers a 500 with an endless body: the attempt ends after the first 64 KB, not at the timeout, with a short error', async () => {
    const endless = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(16_384);
      const pump = () => { while (res.write(chunk)); res.once('drain', pump); };
      pump();
    });
    await new Promise<void>((r) => endless.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      const r = await sendAll([{ url: `http://127.0.0.1:${(endless.address() as AddressInfo).port}/`, headers: {}, body: {} }],
        { label: 'webhook "endless"', timeoutMs: 5000, secrets: [], now: new Date() });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(r).toMatchObject({ ok: false, error: expect.stringContaining('HTTP 500') });
      expect(r.ok ? 0 : r.error.length).toBeLessThanOrEqual(500);
    } finally {
      endless.closeAllConnections();
      await new Promise((r) => endless.close(r));
    }
  });

  it('that accepts (200) and then drips its body a byte at a time: the attempt still ends at its timeout', async () => {
    const drip = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => drip.listen(0, '127.0.0.1', r));
    try {
      const started = Date.now();
      const r = await sendAll([{ url: `http://127.0.0.1:${(drip.address() as AddressInfo).port}/`, headers: {}, body: {} }],
        { label: 'webhook "drip"', timeoutMs: 1000, secrets: [], now: new Date() });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(r).toEqual({ ok: true }); // it answered 200: the message was taken
    } finally {
      drip.closeAllConnections();
      await new Promise((r) => drip.close(r));
    }
  });
});
