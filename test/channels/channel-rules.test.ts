import { describe, expect, it } from 'vitest';
import { retryAfterMs, scrub } from '../../src/adapters/notifiers/http-send.ts';
import { nextAttemptAt } from '../../src/core/alerts/delivery.ts';
import { describeEvent } from '../../src/core/audit/describe-event.ts';
import { recipientsFor } from '../../src/core/alerts/routing.ts';
import { mergeSettings, receives, servesKpi, splitSettings, validateChannel, type NotificationChannel } from '../../src/core/channels/channel.ts';

const now = new Date('2026-03-02T09:00:00Z');
const kpi = { id: 'kpi_1', indicator: 'Deposits', owner: 'payments', priority: 1 as const };
const channel = (o: Partial<NotificationChannel>): NotificationChannel => ({
  id: 'chn_1', name: 'c', kind: 'pagerduty', settings: {}, sealedSecrets: 'v1.x', secretNames: ['routingKey'], kpis: null, owners: null, active: true,
  version: 1, createdAt: now, updatedAt: now, ...o,
});

describe('which channels hear of an alert', () => {
  it('given no restriction, then every KPI; given KPIs or owners, then a listed KPI (id or indicator) or a listed owner; inactive never', () => {
    expect(servesKpi(channel({}), kpi)).toBe(true);
    expect(servesKpi(channel({ kpis: ['Deposits'] }), kpi)).toBe(true);
    expect(servesKpi(channel({ kpis: ['kpi_2'], owners: ['payments'] }), kpi)).toBe(true);
    expect(servesKpi(channel({ kpis: ['kpi_2'] }), kpi)).toBe(false);
    expect(servesKpi(channel({ owners: ['risk'] }), kpi)).toBe(false);
    expect(servesKpi(channel({ active: false }), kpi)).toBe(false);
  });

  it('incident tools hear opened, acknowledged and resolved; chats hear opened, reminders and resolved; no channel hears escalations', () => {
    const purposes = ['opened', 'reminder', 'escalation', 'acknowledged', 'resolved'] as const;
    expect(purposes.filter((p) => receives('pagerduty', p))).toEqual(['opened', 'acknowledged', 'resolved']);
    expect(purposes.filter((p) => receives('opsgenie', p))).toEqual(['opened', 'acknowledged', 'resolved']);
    expect(purposes.filter((p) => receives('msteams', p))).toEqual(['opened', 'reminder', 'resolved']);
  });

  it('routes stored channels by id, email and SMS channels by address; an acknowledgement reaches no contact', () => {
    const routing = { mailEnabled: true, smsGatewayDomain: 'sms.example', webhooks: [] };
    const chans = [channel({}), channel({ id: 'chn_2', kind: 'email', settings: { address: 'ops@example.com' } }), channel({ id: 'chn_3', kind: 'sms', settings: { phone: '+4915112345678' } })];
    const contact = { id: 'con_1', name: 'Ann', email: 'ann@example.com', phone: null, active: true, version: 1, createdAt: now, updatedAt: now };
    expect(recipientsFor(kpi, [contact], routing, 'opened', chans).map((r) => `${r.channel}:${r.address}`))
      .toEqual(['email:ann@example.com', 'pagerduty:chn_1', 'email:ops@example.com', 'sms:4915112345678@sms.example']);
    expect(recipientsFor(kpi, [contact], routing, 'acknowledged', chans).map((r) => r.address)).toEqual(['chn_1']);
  });
});

describe('channel settings', () => {
  it('names every problem at once: missing, unknown, malformed', () => {
    const errors = validateChannel({ name: '', kind: 'telegram', kpis: null, owners: null, active: true }, { chatId: 'x y', colour: 'red' });
    expect(errors.map((e) => e.path).sort()).toEqual(['/name', '/settings/botToken', '/settings/chatId', '/settings/colour']);
    expect(validateChannel({ name: 'ok', kind: 'email', kpis: null, owners: null, active: true }, { address: 'not-an-address' })[0]?.path).toBe('/settings/address');
  });

  it('refuses a Telegram token that is not one (it goes into the request path: "../" would leave it)', () => {
    const c = { name: 'tg', kind: 'telegram' as const, kpis: null, owners: null, active: true };
    expect(validateChannel(c, { botToken: '123:abc/../../evil', chatId: '1' }).map((e) => e.path)).toEqual(['/settings/botToken']);
    expect(validateChannel(c, { botToken: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', chatId: '@ops_channel' })).toEqual([]);
  });

  it('splits the secrets from the rest, and merges a patch: a value replaces, null removes, absent stays', () => {
    expect(splitSettings('telegram', { botToken: 't', chatId: '1', url: 'http://x' })).toEqual({ settings: { chatId: '1', url: 'http://x' }, secrets: { botToken: 't' } });
    expect(splitSettings('slack', { url: 'https://hooks' })).toEqual({ settings: {}, secrets: { url: 'https://hooks' } });
    expect(mergeSettings({ a: '1', b: '2' }, { a: ' 3 ', b: null })).toEqual({ a: '3' });
  });
});

describe('when to try again', () => {
  const retry = { retryCount: 3, baseDelayMs: 120_000 };
  it('honours Retry-After (seconds, an HTTP date, or a body retry_after), capped at an hour; a permanent failure is dead at once', () => {
    expect(retryAfterMs('30', null, now)).toBe(30_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 09:01:00 GMT', null, now)).toBe(60_000);
    expect(retryAfterMs(null, { parameters: { retry_after: 7 } }, now)).toBe(7_000);
    expect(retryAfterMs(null, { retry_after: 1.5 }, now)).toBe(1_500);
    expect(retryAfterMs(null, { message: 'x' }, now)).toBeUndefined();
    expect(nextAttemptAt({ ok: false, error: 'x', retryAfterMs: 30_000 }, 0, retry, now, 0.5)).toEqual(new Date(now.getTime() + 30_000));
    expect(nextAttemptAt({ ok: false, error: 'x', retryAfterMs: 86_400_000 }, 0, retry, now, 0.5)).toEqual(new Date(now.getTime() + 3_600_000));
    expect(nextAttemptAt({ ok: false, error: 'x' }, 1, retry, now, 0.5)).toEqual(new Date(now.getTime() + 240_000));
    expect(nextAttemptAt({ ok: false, error: 'x', permanent: true }, 0, retry, now, 0.5)).toBeNull();
    expect(nextAttemptAt({ ok: false, error: 'x', retryAfterMs: 1000 }, 3, retry, now, 0.5)).toBeNull();
  });

  it('scrubs secrets from what a provider says back', () => {
    expect(scrub('bad key abcd1234 in abcd1234', ['abcd1234'])).toBe('bad key [secret] in [secret]');
  });
});

describe('channels in the audit trail', () => {
  it('says which secrets are set and that they changed, never their ciphertext', () => {
    const created = describeEvent('ChannelCreated', 'channel', 'chn_1', {
      id: 'chn_1', channel: { name: 'On-call', kind: 'pagerduty', settings: {}, kpis: null, owners: null, active: true }, sealedSecrets: 'v1.iv.tag.body', secretNames: ['routingKey'],
    }, 'On-call');
    expect(created.summary).toBe('Created channel "On-call" (pagerduty)');
    expect(created.changes).toMatchObject({ secrets: { from: [], to: ['routingKey'] }, kind: { to: 'pagerduty' } });
    expect(JSON.stringify(created)).not.toContain('v1.iv.tag.body');
    const rotated = describeEvent('ChannelUpdated', 'channel', 'chn_1', {
      id: 'chn_1', changes: { secrets: { from: ['routingKey'], to: ['routingKey'] } }, sealedSecrets: 'v1.iv2.tag2.body2', secretNames: ['routingKey'],
    }, 'On-call');
    expect(rotated.summary).toBe('Changed channel "On-call": secrets changed (set: "routingKey")');
    expect(JSON.stringify(rotated)).not.toContain('body2');
  });
});
