import type { Contact } from '../contacts/contact.ts';
import type { Kpi } from '../kpis/kpi.ts';
import { receives, servesKpi, type ChannelKind, type NotificationChannel } from '../channels/channel.ts';
import type { Channel, NotificationPurpose } from './alert-events.ts';

/** A webhook from the configuration, by name (its URL and secret stay in the adapter's configuration). */
export interface WebhookRoute {
  readonly name: string;
  readonly kind: 'webhook' | 'slack';
  /** KPI ids or indicators it is for; null = every KPI. */
  readonly kpis: readonly string[] | null;
}

export interface RoutingSettings {
  /** false = no SMTP configured: mail and SMS go to the built-in `log` channel, shown by the API. */
  readonly mailEnabled: boolean;
  /** SMS are mailed to `<digits>@<domain>`; null = no SMS. */
  readonly smsGatewayDomain: string | null;
  readonly webhooks: readonly WebhookRoute[];
}

export interface Recipient {
  /** What the message is: a mail, an SMS (the subject only), or a provider's request. */
  readonly kind: ChannelKind;
  /** How it travels: the kind's own channel, or `log` when mail is not configured. */
  readonly channel: Channel;
  /** An email address, a gateway address for SMS, a stored channel's id or a configured webhook's name. */
  readonly address: string;
  readonly contactId: string | null;
}

/** `+49 151-123` → `49151123@gateway`: digits only, as email-to-SMS gateways expect. */
export const smsAddress = (phone: string, domain: string): string => `${phone.replace(/\D/g, '')}@${domain}`;

/**
 * Who hears about an alert of this KPI: priority 1 = SMS and email, priority 2 = email only, to each
 * active contact's addresses that exist; plus the configured webhooks for this KPI or for all, and the
 * stored channels that serve the KPI and take this purpose (`receives`). Without SMTP the mail and SMS
 * become entries of the `log` channel with the address they would have gone to.
 */
export function recipientsFor(
  kpi: Pick<Kpi, 'id' | 'indicator' | 'priority' | 'owner'>, contacts: readonly Contact[], s: RoutingSettings, purpose: NotificationPurpose,
  channels: readonly NotificationChannel[] = [],
): Recipient[] {
  const out: Recipient[] = purpose === 'acknowledged' ? [] : contactRecipients(kpi.priority, contacts, s);
  for (const w of s.webhooks) {
    if (!receives(w.kind, purpose)) continue;
    if (w.kpis === null || w.kpis.includes(kpi.id) || w.kpis.includes(kpi.indicator)) out.push({ kind: w.kind, channel: w.kind, address: w.name, contactId: null });
  }
  for (const c of channels) {
    if (!servesKpi(c, kpi) || !receives(c.kind, purpose)) continue;
    const r = channelRecipient(c, s);
    if (r !== null) out.push(r);
  }
  return out;
}

/** Each active contact's email, and SMS for priority 1 when a gateway is configured. */
export function contactRecipients(priority: 1 | 2, contacts: readonly Contact[], s: RoutingSettings): Recipient[] {
  const mail = (channel: Channel): Channel => (s.mailEnabled ? channel : 'log');
  const out: Recipient[] = [];
  for (const c of contacts) {
    if (!c.active) continue;
    if (c.email !== null) out.push({ kind: 'email', channel: mail('email'), address: c.email, contactId: c.id });
    if (priority === 1 && c.phone !== null && s.smsGatewayDomain !== null) {
      out.push({ kind: 'sms', channel: mail('sms'), address: smsAddress(c.phone, s.smsGatewayDomain), contactId: c.id });
    }
  }
  return out;
}

/** A stored channel as a recipient: mail kinds carry their address, the others the channel's id. */
export function channelRecipient(c: NotificationChannel, s: RoutingSettings): Recipient | null {
  const mail = (channel: Channel): Channel => (s.mailEnabled ? channel : 'log');
  if (c.kind === 'email') return { kind: 'email', channel: mail('email'), address: c.settings.address!, contactId: null };
  if (c.kind === 'sms') {
    return s.smsGatewayDomain === null ? null : { kind: 'sms', channel: mail('sms'), address: smsAddress(c.settings.phone!, s.smsGatewayDomain), contactId: null };
  }
  return { kind: c.kind, channel: c.kind, address: c.id, contactId: null };
}
