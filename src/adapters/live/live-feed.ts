import { auditEntriesOf } from '../audit/audit-projection.ts';
import { createSubscription, type Subscription } from '../event-store/subscription.ts';
import type { Db } from '../storage/db.ts';

/** What the dashboard's feed carries: KPI executions, alert changes and audit entries. */
export type LiveKind = 'execution' | 'alert' | 'audit';

export interface LiveMessage {
  readonly kind: LiveKind;
  /** For events, their position (the SSE id); for published messages, a counter of this node. */
  readonly id: string;
  readonly data: unknown;
}

export type LiveListener = (message: LiveMessage) => void;

export interface LiveFeed {
  /**
   * Registers a listener; resolves, once the feed knows where "now" is, to the function that removes
   * it. Polling starts with the first listener.
   */
  listen(listener: LiveListener): Promise<() => void>;
  /**
   * Sends a message that is not an event to every listener on this node, e.g. the execution engine's
   * `publish('execution', {kpiId, status, durationMs ...})` for each finished execution.
   */
  publish(kind: LiveKind, data: unknown): void;
  readonly subscription: Subscription;
  close(): Promise<void>;
}

/** Alert events go out as `alert` too (as well as `audit`), so the dashboard can refresh its alert list. */
const kindsOf = (eventType: string): LiveKind[] =>
  eventType.startsWith('Alert') ? ['alert', 'audit'] : eventType.startsWith('Execution') || eventType.startsWith('KpiExecut') ? ['execution', 'audit'] : ['audit'];

/**
 * One feed per node: an in-memory subscription from the newest event (every node sees every event),
 * each event sent as its audit entry to every listener.
 */
export function createLiveFeed(db: Db, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): LiveFeed {
  const listeners = new Set<LiveListener>();
  let counter = 0;
  const send = (m: LiveMessage) => {
    for (const l of listeners) l(m);
  };
  const subscription = createSubscription({
    name: 'live-feed',
    db,
    durable: false,
    intervalMs: opts.intervalMs ?? 250,
    ...(opts.onError ? { onError: opts.onError } : {}),
    async handle(events, q) {
      if (listeners.size === 0) return;
      const { entries } = await auditEntriesOf(q, events);
      for (const entry of entries) for (const kind of kindsOf(entry.eventType)) send({ kind, id: String(entry.position), data: entry });
    },
  });
  return {
    subscription,
    async listen(listener) {
      await subscription.ready();
      listeners.add(listener);
      subscription.start();
      // The subscription keeps polling once started (one cheap query per interval), so that it never
      // sends a returning listener what happened while nobody listened.
      return () => void listeners.delete(listener);
    },
    publish(kind, data) {
      send({ kind, id: `n${++counter}`, data });
    },
    async close() {
      listeners.clear();
      await subscription.stop();
    },
  };
}
