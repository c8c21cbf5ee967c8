import type { Notification } from '../../core/alerts/alert-ports.ts';
import type { DeliveryResult } from '../../core/alerts/delivery.ts';
import { CHANNEL_SETTINGS, type ChannelKind, type NotificationChannel } from '../../core/channels/channel.ts';
import type { ChannelRepo, Clock, SecretBox } from '../../core/ports.ts';
import { smsAddress } from '../../core/alerts/routing.ts';
import type { Mailer } from './mail.ts';
import type { WebhookTarget } from './webhook-signature.ts';
import { sendAll } from './http-send.ts';
import { discord, slack, webhook } from './providers/chat.ts';
import type { AlertData, ChannelTarget, OutgoingMessage, Provider } from './providers/message.ts';
import { msteams } from './providers/msteams.ts';
import { opsgenie } from './providers/opsgenie.ts';
import { pagerduty } from './providers/pagerduty.ts';
import { telegram } from './providers/telegram.ts';

export interface ChannelDeliveryDeps {
  /** The stored channels (read when a notification is sent, so a changed key applies at once). */
  readonly channels: Pick<ChannelRepo, 'get'>;
  readonly secrets: SecretBox;
  /** The webhooks of the configuration (WEBHOOK_URL, SLACK_WEBHOOK_URL, ALERT_WEBHOOKS): read-only channels. */
  readonly configured: readonly WebhookTarget[];
  /** WEBHOOK_SECRET: signs configured webhooks, and stored ones without a signing secret of their own. */
  readonly webhookSecret: string | null;
  readonly timeoutMs: number;
  readonly clock: Clock;
  /** Sends the test message of an email or SMS channel; null = no SMTP configured. */
  readonly mailer?: Mailer | null;
  readonly smsGatewayDomain?: string | null;
}

export interface ChannelDelivery {
  /** Sends an outbox row of an HTTP channel (recipient = a channel id or a configured webhook's name). */
  send(n: Notification): Promise<DeliveryResult>;
  /** Sends a test message to one channel (by id, or `env_<name>` for a configured one) at once, no retries. */
  test(channelId: string): Promise<DeliveryResult | null>;
}

/** A configured webhook as a read-only channel of the API; its id is `env_<name>`. */
export const configuredChannel = (w: WebhookTarget, at: Date): NotificationChannel & { readOnly: true } => ({
  id: `env_${w.name}`, name: w.name, kind: w.kind, settings: {}, sealedSecrets: null, secretNames: ['url'], kpis: w.kpis, owners: null, active: true,
  version: 1, createdAt: at, updatedAt: at, readOnly: true,
});

/** The values of a target's secret settings: scrubbed from every error text and never logged. */
const secretValues = (t: ChannelTarget): string[] =>
  Object.entries(t.settings).filter(([k]) => CHANNEL_SETTINGS[t.kind][k]?.secret === true).map(([, v]) => v);

export function createChannelDelivery(d: ChannelDeliveryDeps): ChannelDelivery {
  const byName = new Map(d.configured.map((w) => [w.name, w]));
  const providers: Record<Exclude<ChannelKind, 'email' | 'sms'>, Provider> = {
    webhook: webhook(d.webhookSecret), slack, discord, msteams, telegram, pagerduty, opsgenie,
  };

  async function target(recipient: string): Promise<ChannelTarget | null> {
    const configured = byName.get(recipient.replace(/^env_/, ''));
    if (!recipient.startsWith('chn_')) return configured === undefined ? null : { id: `env_${configured.name}`, name: configured.name, kind: configured.kind, settings: { url: configured.url } };
    const c = await d.channels.get(recipient);
    if (c === null) return null;
    const secrets = c.sealedSecrets === null ? {} : (JSON.parse(d.secrets.open(c.sealedSecrets)) as Record<string, string>);
    return { id: c.id, name: c.name, kind: c.kind, settings: { ...c.settings, ...secrets } };
  }

  async function deliver(t: ChannelTarget, m: OutgoingMessage): Promise<DeliveryResult> {
    if (t.kind === 'email' || t.kind === 'sms') return { ok: false, error: `${t.kind} channels are sent by mail`, permanent: true };
    const now = d.clock.now();
    const requests = providers[t.kind](t, m, now);
    return sendAll(requests, { label: `${t.kind} "${t.name}"`, timeoutMs: d.timeoutMs, secrets: secretValues(t), now });
  }

  /** An email or SMS channel's test goes through the mailer, as its alerts do. */
  async function mailTest(t: ChannelTarget, m: OutgoingMessage): Promise<DeliveryResult> {
    if (!d.mailer) return { ok: false, error: 'SMTP is not configured (SMTP_URL): mail and SMS go to the log channel', permanent: true };
    if (t.kind === 'sms' && !d.smsGatewayDomain) return { ok: false, error: 'no SMS gateway is configured (SMS_GATEWAY_DOMAIN)', permanent: true };
    const recipient = t.kind === 'sms' ? smsAddress(t.settings.phone!, d.smsGatewayDomain!) : t.settings.address!;
    try {
      await d.mailer.send({ id: m.notificationId, alertId: m.alertId, channel: t.kind, recipient, subject: m.subject, body: t.kind === 'sms' ? m.subject : m.body } as Notification);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: `${t.kind} "${t.name}": ${e instanceof Error ? e.message : String(e)}`.slice(0, 500) };
    }
  }

  return {
    async send(n) {
      const t = await target(n.recipient);
      if (t === null) return { ok: false, error: `no ${n.channel} channel ${n.recipient} exists (deleted?)`, permanent: true };
      const alert = (n.payload?.alert ?? null) as AlertData | null;
      return deliver(t, { notificationId: n.id, alertId: n.alertId, purpose: n.purpose, subject: n.subject, body: n.body, payload: n.payload, alert });
    },
    async test(channelId) {
      const t = await target(channelId);
      if (t === null) return null;
      const id = `test-${d.clock.now().getTime().toString(36)}`;
      return (t.kind === 'email' || t.kind === 'sms' ? mailTest : deliver)(t, {
        notificationId: id, alertId: id, purpose: 'test', subject: `MonitoringGrid test message for ${t.name}`,
        body: 'This channel is set up: alerts of the KPIs it serves will arrive here.', payload: null,
        alert: { id, severity: 'low', status: 'open', indicator: 'Test message' },
      });
    },
  };
}
