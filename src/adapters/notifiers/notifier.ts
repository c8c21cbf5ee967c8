import type { Notifier } from '../../core/alerts/alert-ports.ts';
import type { Clock } from '../../core/ports.ts';
import { postJson, type WebhookTarget } from './http-post.ts';
import type { Mailer } from './mail.ts';

export interface NotifierDeps {
  /** null = no SMTP: notifications were routed to the `log` channel instead. */
  readonly mailer: Mailer | null;
  readonly webhooks: readonly WebhookTarget[];
  readonly webhookSecret: string | null;
  readonly webhookTimeoutMs: number;
  readonly clock: Clock;
  /** Where the `log` channel writes (the outbox row itself is what the API shows). */
  readonly log?: (n: { id: string; recipient: string; subject: string }) => void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500);

/** Dispatches a notification to its channel. The webhook's URL is looked up by name: it is never stored. */
export function createNotifier(d: NotifierDeps): Notifier {
  const byName = new Map(d.webhooks.map((w) => [w.name, w]));
  return {
    async send(n) {
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
          case 'webhook':
          case 'slack': {
            const target = byName.get(n.recipient);
            if (target === undefined) return { ok: false, error: `no ${n.channel} named ${n.recipient} is configured` };
            await postJson(target, n.payload, { secret: d.webhookSecret, timeoutMs: d.webhookTimeoutMs, now: d.clock.now() });
            return { ok: true };
          }
        }
      } catch (e) {
        return { ok: false, error: message(e) };
      }
    },
  };
}
