import type { SecurityEvent } from '../../core/auth/security-events.ts';
import type { EventMeta } from '../../core/ports.ts';

type Failed = Extract<SecurityEvent, { type: 'AuthenticationFailed' }>;

export interface AuthFailureOptions {
  /** Records one security event; failures are the caller's to log (a refusal is answered regardless). */
  readonly record: (event: Failed, meta: EventMeta) => Promise<void>;
  /** Refusals per client address and window before its further refusals are 429s; default 30. */
  readonly limit?: number;
  /** Window length, ms; default 60 000. */
  readonly windowMs?: number;
  /** Distinct (address, failure) pairs kept per window; past it, pairs share one per reason. Default 10 000. */
  readonly maxTracked?: number;
}

export interface AuthFailures {
  /** Seconds until this address may try again; 0 = it is not over its limit. */
  retryAfterSeconds(clientIp: string): number;
  /**
   * Counts one refusal of this address. The first of its kind (method, reason, key) in a window is
   * recorded at once; the repeats are counted and recorded as one event with `count` when the window
   * ends. `event` null counts without recording (a request that sent no credentials).
   */
  refused(clientIp: string, event: Failed | null, meta: EventMeta): Promise<void>;
  /** Ends the window now: records the counted repeats and clears the limits. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Group { readonly event: Failed; meta: EventMeta; repeats: number }

/**
 * Per-node limits on failed authentication, so that a client cannot grow the store without bound:
 * 300 refusals from one address in a minute become a few events with counts, not 300 events and 300
 * audit entries; past `limit` its failures are answered 429 (valid credentials from it still pass).
 */
export function createAuthFailures(o: AuthFailureOptions): AuthFailures {
  const limit = o.limit ?? 30;
  const windowMs = o.windowMs ?? 60_000;
  const maxTracked = o.maxTracked ?? 10_000;
  let windowStart = Date.now();
  let perAddress = new Map<string, number>();
  let groups = new Map<string, Group>();

  const flush = async (): Promise<void> => {
    const ended = groups;
    groups = new Map();
    perAddress = new Map();
    windowStart = Date.now();
    for (const g of ended.values()) {
      if (g.repeats > 0) await o.record({ type: 'AuthenticationFailed', data: { ...g.event.data, count: g.repeats } }, g.meta);
    }
  };
  const timer = setInterval(() => void flush(), windowMs);
  timer.unref();

  return {
    retryAfterSeconds(clientIp) {
      if ((perAddress.get(clientIp) ?? 0) < limit) return 0;
      return Math.max(1, Math.ceil((windowStart + windowMs - Date.now()) / 1000));
    },
    async refused(clientIp, event, meta) {
      if (perAddress.size < maxTracked || perAddress.has(clientIp)) perAddress.set(clientIp, (perAddress.get(clientIp) ?? 0) + 1);
      if (event === null) return;
      const { method, reason, keyId } = event.data;
      let key = `${clientIp}\u0000${method}\u0000${reason}\u0000${keyId ?? ''}`;
      if (!groups.has(key) && groups.size >= maxTracked) key = `*\u0000${reason}`;
      const group = groups.get(key);
      if (group !== undefined) {
        group.repeats++;
        group.meta = meta;
        return;
      }
      groups.set(key, { event, meta, repeats: 0 });
      await o.record(event, meta);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
