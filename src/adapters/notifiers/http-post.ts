import { createHmac } from 'node:crypto';

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

/**
 * POSTs JSON. Our own webhooks are signed when a secret is configured; Slack's incoming webhooks are not
 * (their URL is the secret). Anything but a 2xx within the timeout is a failure, retried by the worker.
 */
export async function postJson(target: WebhookTarget, payload: unknown, opts: { secret: string | null; timeoutMs: number; now: Date }): Promise<void> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'MonitoringGrid' };
  if (target.kind === 'webhook' && opts.secret !== null) {
    const timestamp = String(Math.floor(opts.now.getTime() / 1000));
    headers[TIMESTAMP_HEADER] = timestamp;
    headers[SIGNATURE_HEADER] = signature(opts.secret, timestamp, body);
  }
  const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'error' });
  await response.body?.cancel().catch(() => undefined);
  if (response.status < 200 || response.status >= 300) throw new Error(`${target.kind} ${target.name} answered HTTP ${response.status}`);
}
