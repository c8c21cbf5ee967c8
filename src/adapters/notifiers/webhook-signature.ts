import { createHmac } from 'node:crypto';

/** A webhook of the configuration (WEBHOOK_URL, SLACK_WEBHOOK_URL, ALERT_WEBHOOKS), shown as a read-only channel. */
export interface WebhookTarget {
  readonly name: string;
  readonly kind: 'webhook' | 'slack';
  readonly url: string;
  /** KPI ids or indicators; null = every KPI. */
  readonly kpis: readonly string[] | null;
}

export const SIGNATURE_HEADER = 'x-monitoringgrid-signature';
export const TIMESTAMP_HEADER = 'x-monitoringgrid-timestamp';

/**
 * `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`): the receiver recomputes it with the shared
 * secret, and checks the timestamp is recent so that a captured request cannot be replayed later.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
