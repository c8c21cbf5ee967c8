import { signature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../webhook-signature.ts';
import { chatText, type Provider } from './message.ts';

/** Slack incoming webhook: `{text}` (the URL is the secret). */
export const slack: Provider = (t, m) => [{ url: t.settings.url!, headers: {}, body: { text: chatText(m, 40_000) } }];

/**
 * Discord execute-webhook: `content` (at most 2,000 characters); `allowed_mentions.parse: []` so that an
 * indicator named "@everyone" pings nobody.
 */
export const discord: Provider = (t, m) => [{
  url: t.settings.url!, headers: {}, body: { content: chatText(m, 2000), username: 'MonitoringGrid', allowed_mentions: { parse: [] } },
}];

/**
 * Our own webhook: the alert as data, signed with the channel's signing secret when it has one:
 * `sha256=HMAC(secret, "<timestamp>.<body>")` as for the configured webhooks.
 */
export const webhook = (fallbackSecret: string | null): Provider => (t, m, now) => {
  const body = m.payload ?? { purpose: m.purpose, subject: m.subject, body: m.body, alert: m.alert };
  const secret = t.settings.signingSecret ?? fallbackSecret;
  if (secret === null) return [{ url: t.settings.url!, headers: {}, body }];
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return [{ url: t.settings.url!, headers: { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature(secret, timestamp, JSON.stringify(body)) }, body }];
};
