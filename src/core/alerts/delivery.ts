import type { Clock, EventMeta, TxPorts } from '../ports.ts';
import type { AlertEvent } from './alert-events.ts';
import type { Notification } from './alert-ports.ts';
import { appendToAlert } from './alert-store.ts';

/**
 * A failed attempt may say when to try again (a provider's Retry-After, in ms), or that trying again
 * cannot help (`permanent`: a 4xx such as a revoked key), which makes it a dead letter at once.
 */
export type DeliveryResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string; readonly retryAfterMs?: number | undefined; readonly permanent?: boolean | undefined };

/** The longest Retry-After honoured (1 hour): a provider asking for more is retried after that. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** When to try again after this failure, or null = no attempt left (a dead letter). */
export function nextAttemptAt(result: Extract<DeliveryResult, { ok: false }>, retriesDone: number, retry: RetryPolicy, now: Date, random: number): Date | null {
  if (result.permanent === true || retriesDone >= retry.retryCount) return null;
  const wait = result.retryAfterMs !== undefined ? Math.min(Math.max(result.retryAfterMs, 0), MAX_RETRY_AFTER_MS) : retryDelayMs(retriesDone + 1, retry.baseDelayMs, random);
  return new Date(now.getTime() + wait);
}

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
 * Records the results of delivery attempts in the caller's transaction: per notification the outbox row
 * (sent, due again later, or dead); per alert one append of its NotificationSent/-Failed events. The
 * worker passes the results of one alert at a time (see alert-worker.ts for why).
 * `n.attempts` already counts this attempt (the claim counted it).
 */
export async function recordDeliveries(
  tx: TxPorts, results: readonly { n: Notification; result: DeliveryResult }[], retry: RetryPolicy, clock: Clock, random: () => number, meta: EventMeta,
): Promise<void> {
  const now = clock.now();
  const byAlert = new Map<string, AlertEvent[]>();
  await tx.outbox.markSent(results.filter((r) => r.result.ok).map((r) => r.n.id), now);
  for (const { n, result } of results) {
    const common = { id: n.alertId, notificationId: n.id, purpose: n.purpose, channel: n.channel, recipient: n.recipient, attempt: n.attempts };
    let event: AlertEvent;
    if (result.ok) {
      event = { type: 'NotificationSent', data: common };
    } else {
      const next = nextAttemptAt(result, n.attempts - 1, retry, now, random());
      await tx.outbox.markFailed(n.id, result.error, next);
      event = { type: 'NotificationFailed', data: { ...common, error: result.error, dead: next === null, nextAttemptAt: next?.toISOString() ?? null } };
    }
    byAlert.set(n.alertId, [...(byAlert.get(n.alertId) ?? []), event]);
  }
  // Locked in id order, so two workers recording batches of the same alerts cannot deadlock.
  for (const alertId of [...byAlert.keys()].sort()) {
    const alert = await tx.alerts.lock(alertId);
    if (alert !== null) await tx.alerts.update(await appendToAlert(tx, alert, byAlert.get(alertId)!, meta));
  }
}
