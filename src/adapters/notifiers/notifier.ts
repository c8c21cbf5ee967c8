import { withActionLinks, type LinkSigner } from '../../core/alerts/action-links.ts';
import type { Notifier } from '../../core/alerts/alert-ports.ts';
import type { ChannelDelivery } from './channel-delivery.ts';
import type { Mailer } from './mail.ts';

export interface NotifierDeps {
  /** null = no SMTP: notifications were routed to the `log` channel instead. */
  readonly mailer: Mailer | null;
  /** Webhooks, Slack, Teams, PagerDuty, Opsgenie, Telegram, Discord (stored and configured channels). */
  readonly channels: ChannelDelivery;
  /** Where the `log` channel writes (the outbox row itself is what the API shows). */
  readonly log?: (n: { id: string; recipient: string; subject: string }) => void;
  /** Signs the action links of each message under `baseUrl` (PUBLIC_URL); none without. */
  readonly links?: { readonly signer: LinkSigner; readonly baseUrl: string };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500);

/** Dispatches a notification to its channel. A channel's address and secrets are looked up at send time: the outbox holds its id. */
export function createNotifier(d: NotifierDeps): Notifier {
  return {
    async send(stored) {
      const n = d.links === undefined ? stored : withActionLinks(stored, d.links.signer, d.links.baseUrl);
      try {
        switch (n.channel) {
          case 'log':
            d.log?.({ id: n.id, recipient: n.recipient, subject: n.subject || n.body });
            return { ok: true };
          case 'email':
          case 'sms':
            if (d.mailer === null) return { ok: false, error: 'SMTP is not configured (SMTP_URL)' };
            await d.mailer.send(n);
            return { ok: true };
          default:
            return await d.channels.send(n);
        }
      } catch (e) {
        return { ok: false, error: message(e) };
      }
    },
  };
}
