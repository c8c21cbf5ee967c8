import type { Clock, EventMeta, TxPorts } from '../ports.ts';
import type { AlertEvent } from './alert-events.ts';
import type { Notification } from './alert-ports.ts';
import { appendToAlert } from './alert-store.ts';

export type DeliveryResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface RetryPolicy {
  /** Retries after the first attempt (ALERT_RETRY_COUNT, default 3); then the notification is a dead letter. */
  readonly retryCount: number;
  /** The delay before the first retry, in ms; it doubles for each further retry (default 120 000). */
  readonly baseDelayMs: number;
}

/**
 * Exponential backoff with jitter: before retry n (1-based) wait base × 2^(n-1), scaled by a random
 * factor in [0.75, 1.25) so that many notifications that failed together do not retry together.
 * With the defaults (3 retries, 2 minutes) the last retry comes 10.5 to 17.5 minutes after the first
 * attempt, so an SMTP server down for ten minutes loses nothing.
 */
export function retryDelayMs(retry: number, baseDelayMs: number, random: number): number {
  return Math.round(baseDelayMs * 2 ** (retry - 1) * (0.75 + random * 0.5));
}

/**
 * Records the result of one delivery attempt in one transaction: the NotificationSent or -Failed event on
 * the alert's stream and the outbox row (sent, due again later, or dead). `n.attempts` already counts
 * this attempt (the claim counted it).
 */
export async function recordDelivery(
  tx: TxPorts, n: Notification, result: DeliveryResult, retry: RetryPolicy, clock: Clock, random: () => number, meta: EventMeta,
): Promise<void> {
  const now = clock.now();
  const common = { id: n.alertId, notificationId: n.id, purpose: n.purpose, channel: n.channel, recipient: n.recipient, attempt: n.attempts };
  let event: AlertEvent;
  if (result.ok) {
    await tx.outbox.markSent(n.id, now);
    event = { type: 'NotificationSent', data: common };
  } else {
    const retriesDone = n.attempts - 1;
    const next = retriesDone < retry.retryCount ? new Date(now.getTime() + retryDelayMs(retriesDone + 1, retry.baseDelayMs, random())) : null;
    await tx.outbox.markFailed(n.id, result.error, next);
    event = { type: 'NotificationFailed', data: { ...common, error: result.error, dead: next === null, nextAttemptAt: next?.toISOString() ?? null } };
  }
  const alert = await tx.alerts.lock(n.alertId);
  if (alert !== null) await tx.alerts.update(await appendToAlert(tx, alert, [event], meta));
}
