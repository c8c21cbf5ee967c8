import { auditEntriesOf } from '../audit/audit-projection.ts';
import { readAll, START, type Checkpoint } from '../event-store/read-all.ts';
import { createSubscription, type SubscribedEvent, type Subscription } from '../event-store/subscription.ts';
import type { Db, Queryable } from '../storage/db.ts';
import { committedBefore, currentSnapshot } from '../event-store/snapshot.ts';
import { createBroadcast } from './live-broadcast.ts';

/**
 * What the dashboard's feed carries: KPI executions, alert changes, audit entries and backtest progress
 * (`{id, kpiId, status, progress}`, published); `reset` when a
 * reconnecting client missed more than can be resumed (it should reload what it shows).
 */
export type LiveKind = 'execution' | 'alert' | 'audit' | 'backtest' | 'reset';

export interface LiveMessage {
  readonly kind: LiveKind;
  /**
   * The SSE id: an event's place in commit order (`<transaction>:<position>`). A published message
   * carries the place of the last event the feed had sent, so a reconnect resumes after that.
   */
  readonly id: string;
  readonly data: unknown;
  /** Set on event messages only: where the event stands in commit order (resume, de-duplication). */
  readonly checkpoint?: Checkpoint;
}

export type LiveListener = (message: LiveMessage) => void;

/** A reconnect may resume at most this many missed events; further behind, it gets `reset`. */
export const RESUME_LIMIT = 1000;

export interface LiveFeed {
  /**
   * Registers a listener; resolves, once the feed knows where "now" is, to the function that removes
   * it. Polling starts with the first listener. With `lastEventId` (an id this feed sent, on any node)
   * the listener first gets the events committed after it, then the live ones, none twice.
   */
  listen(listener: LiveListener, lastEventId?: string): Promise<() => void>;
  /**
   * Sends a message that is not an event to every listener on every node (NOTIFY on a PostgreSQL
   * server), e.g. the execution engine's `publish('execution', {kpiId, status, durationMs ...})` for each
   * finished execution. Best effort: such messages are not stored, so a reconnect does not resume them.
   */
  publish(kind: LiveKind, data: unknown): void;
  readonly subscription: Subscription;
  close(): Promise<void>;
}

/**
 * Alert events go out as `alert` too (as well as `audit`), so the dashboard can refresh its alert list.
 * Significant execution events (KpiExecutionFailed …) are audit entries only: `execution` messages have
 * one shape, the engine's, published for every finished run.
 */
const kindsOf = (eventType: string): LiveKind[] => (eventType.startsWith('Alert') ? ['alert', 'audit'] : ['audit']);

const idOf = (c: Checkpoint): string => `${c.transactionId}:${c.position}`;

/** The checkpoint an id names, or null for anything else (an old-style id, garbage). */
export function parseEventId(id: string): Checkpoint | null {
  const m = /^(\d{1,20}):(\d{1,20})$/.exec(id);
  return m ? { transactionId: m[1]!, position: Number(m[2]) } : null;
}

const isAfter = (a: Checkpoint, b: Checkpoint): boolean => {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  return ta !== tb ? ta > tb : a.position > b.position;
};

async function messagesOf(q: Queryable, events: readonly SubscribedEvent[]): Promise<LiveMessage[]> {
  const at = new Map(events.map((e) => [e.position, e.checkpoint]));
  const { entries } = await auditEntriesOf(q, events);
  return entries.flatMap((entry) => {
    const checkpoint = at.get(entry.position) ?? START;
    return kindsOf(entry.eventType).map((kind) => ({ kind, id: idOf(checkpoint), data: entry, checkpoint }));
  });
}

/** The events after `from`, as messages; null when there are more than RESUME_LIMIT. */
async function missedSince(db: Db, from: Checkpoint): Promise<{ messages: LiveMessage[]; end: Checkpoint } | null> {
  const page = await readAll(db, from, RESUME_LIMIT + 1);
  if (page.events.length > RESUME_LIMIT) return null;
  return { messages: await messagesOf(db, page.events), end: page.checkpoint };
}

/**
 * One feed per node: an in-memory subscription from the newest event (every node sees every event),
 * each event sent as its audit entry to every listener.
 */
export function createLiveFeed(db: Db, opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}): LiveFeed {
  const listeners = new Set<LiveListener>();
  const send = (m: LiveMessage) => {
    for (const l of listeners) l(m);
  };
  const broadcast = createBroadcast(
    db,
    (p) => {
      const { kind, data } = p as { kind: LiveKind; data: unknown };
      send({ kind, id: idOf(subscription.checkpoint() ?? START), data });
    },
    opts.onError ?? (() => undefined),
  );
  const subscription = createSubscription({
    name: 'live-feed',
    db,
    durable: false,
    intervalMs: opts.intervalMs ?? 250,
    ...(opts.onError ? { onError: opts.onError } : {}),
    async handle(events, q) {
      if (listeners.size === 0) return;
      for (const m of await messagesOf(q, events)) send(m);
    },
  });

  /**
   * Registers a listener whose messages are held until `prepare` has run, then passes those `prepare`
   * calls fresh, held first, in order. The feed's own poll keeps going meanwhile: nothing is lost.
   */
  async function listenGated(listener: LiveListener, prepare: () => Promise<(m: LiveMessage) => boolean>): Promise<() => void> {
    const held: LiveMessage[] = [];
    let fresh: ((m: LiveMessage) => boolean) | null = null;
    const gate: LiveListener = (m) => (fresh === null ? void held.push(m) : fresh(m) ? listener(m) : undefined);
    listeners.add(gate);
    subscription.start();
    try {
      fresh = await prepare();
    } catch (e) {
      listeners.delete(gate);
      throw e;
    }
    for (const m of held) if (fresh(m)) listener(m);
    return () => void listeners.delete(gate);
  }

  /**
   * Sends the missed events first, then the live ones, skipping any event at or before the last one
   * read (the feed's own poll may not have reached them yet).
   */
  const resume = (listener: LiveListener, from: Checkpoint) => listenGated(listener, async () => {
    const missed = await missedSince(db, from);
    if (missed === null) listener({ kind: 'reset', id: idOf(subscription.checkpoint() ?? from), data: { reason: `more than ${RESUME_LIMIT} events were missed` } });
    for (const m of missed?.messages ?? []) listener(m);
    // After a reset the client reloads: what the feed had sent by then is in what it reloads.
    const seen = missed?.end ?? subscription.checkpoint() ?? START;
    return (m) => m.checkpoint === undefined || isAfter(m.checkpoint, seen);
  });

  /**
   * From now on: only events committed after the listener was registered. The feed's checkpoint is
   * not enough, as it stops before any transaction still running (readAll), and events committed behind
   * one arrive later though they were committed before the client came: the snapshot tells them apart.
   */
  const fromNow = (listener: LiveListener) => listenGated(listener, async () => {
    const before = await currentSnapshot(db);
    return (m) => m.checkpoint === undefined || !committedBefore(before, m.checkpoint.transactionId);
  });

  return {
    subscription,
    async listen(listener, lastEventId) {
      await subscription.ready();
      await broadcast.start().catch(opts.onError ?? (() => undefined));
      const from = lastEventId === undefined ? null : parseEventId(lastEventId);
      // The subscription keeps polling once started (one cheap query per interval), so that it never
      // sends a returning listener what happened while nobody listened.
      return from !== null ? resume(listener, from) : fromNow(listener);
    },
    publish(kind, data) {
      broadcast.send({ kind, data });
    },
    async close() {
      listeners.clear();
      await Promise.all([subscription.stop(), broadcast.close()]);
    },
  };
}
