import type { Db, Queryable } from '../storage/db.ts';
import { readAll, START, type Checkpoint, type ReadAllResult } from './read-all.ts';

export type SubscribedEvent = ReadAllResult['events'][number];

export interface SubscriptionOptions {
  readonly name: string;
  readonly db: Db;
  /**
   * Handles one batch, in commit order. Durable subscriptions get the transaction that also moves
   * their checkpoint, so what the handler writes and the checkpoint commit together (exactly once).
   */
  readonly handle: (events: readonly SubscribedEvent[], q: Queryable) => Promise<void>;
  /**
   * durable: the checkpoint lives in `subscription_checkpoints` and survives restarts; only one node
   * handles a batch at a time. Not durable: the checkpoint is in memory and starts at the newest event
   * (a live feed of what happens from now on, on every node).
   */
  readonly durable: boolean;
  /** Events per batch; default 500. */
  readonly batchSize?: number;
  /** Pause between polls when caught up, in ms; default 250. */
  readonly intervalMs?: number;
  /** Told of a failed batch; the subscription retries it after the interval. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  readonly name: string;
  /** Polls until stopped. Errors are reported to onError, never thrown from the timer. */
  start(): void;
  /** Ends polling and waits for the batch in flight. */
  stop(): Promise<void>;
  /** Handles every committed event now and returns how many it handled (tests, replay, CLI). */
  catchUp(): Promise<number>;
  /** Committed or in-flight events after the checkpoint (the lag metric); counts at most 1,000,000. */
  lag(): Promise<number>;
  /** Resolves once the starting checkpoint is known: events after this are delivered (live feeds). */
  ready(): Promise<void>;
  /** Polls now instead of at the end of the interval (after a local write, say). */
  wake(): void;
  /** Where an in-memory subscription stands (after ready); null for a durable one. */
  checkpoint(): Checkpoint | null;
}

const toCheckpoint = (r: { xid_text: string; position: number }): Checkpoint => ({ transactionId: r.xid_text, position: Number(r.position) });

async function newestVisible(db: Queryable): Promise<Checkpoint> {
  const { rows } = await db.query<{ xid_text: string; position: number }>(
    `SELECT transaction_id::text AS xid_text, position FROM events
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id DESC, position DESC LIMIT 1`,
  );
  return rows[0] ? toCheckpoint(rows[0]) : START;
}

async function countAfter(db: Queryable, cp: Checkpoint): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint) LIMIT 1000000) t`,
    [cp.transactionId, cp.position],
  );
  return rows[0]?.n ?? 0;
}

/** One durable batch: lock the checkpoint row (skip if another node holds it), read, handle, move it. */
async function durableBatch(opts: SubscriptionOptions, batchSize: number): Promise<number> {
  return opts.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ xid_text: string; position: number }>(
      'SELECT transaction_id::text AS xid_text, position FROM subscription_checkpoints WHERE name = $1 FOR UPDATE SKIP LOCKED',
      [opts.name],
    );
    if (!rows[0]) return 0;
    const page = await readAll(tx, toCheckpoint(rows[0]), batchSize);
    if (page.events.length === 0) return 0;
    await opts.handle(page.events, tx);
    await tx.query(
      'UPDATE subscription_checkpoints SET transaction_id = $2::xid8, position = $3, updated_at = now() WHERE name = $1',
      [opts.name, page.checkpoint.transactionId, page.checkpoint.position],
    );
    return page.events.length;
  });
}

/**
 * A catch-up subscription to all events from a checkpoint, by polling `readAll` (which never skips an
 * event). Used by the audit projection (durable) and the live feed (in memory).
 */
export function createSubscription(opts: SubscriptionOptions): Subscription {
  const batchSize = opts.batchSize ?? 500;
  const intervalMs = opts.intervalMs ?? 250;
  let memoryCheckpoint: Checkpoint | null = null;
  let ready: Promise<void> | null = null;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<unknown> = Promise.resolve();

  // A failed preparation is not kept: the next poll or listener tries again once the store answers.
  const prepare = (): Promise<void> => (ready ??= (async () => {
    if (opts.durable) await opts.db.query('INSERT INTO subscription_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [opts.name]);
    else memoryCheckpoint = await newestVisible(opts.db);
  })().catch((e: unknown) => {
    ready = null;
    throw e;
  }));

  const memoryBatch = async (): Promise<number> => {
    const page = await readAll(opts.db, memoryCheckpoint ?? START, batchSize);
    if (page.events.length > 0) await opts.handle(page.events, opts.db);
    memoryCheckpoint = page.checkpoint;
    return page.events.length;
  };

  const batch = async (): Promise<number> => {
    await prepare();
    return opts.durable ? durableBatch(opts, batchSize) : memoryBatch();
  };

  // Serialised: a catchUp during a poll waits for it instead of reading the same events twice.
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = inFlight.then(work, work);
    inFlight = result.catch(() => undefined);
    return result;
  };

  const drain = (): Promise<number> => exclusive(async () => {
    let total = 0;
    for (;;) {
      const n = await batch();
      total += n;
      if (n < batchSize) return total;
    }
  });

  const schedule = (delay: number): void => {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      drain().then(() => schedule(intervalMs), (e: unknown) => {
        opts.onError?.(e);
        schedule(intervalMs * 4);
      });
    }, delay);
  };

  return {
    name: opts.name,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await inFlight;
    },
    catchUp: drain,
    ready: prepare,
    async lag() {
      await prepare();
      if (!opts.durable) return countAfter(opts.db, memoryCheckpoint ?? START);
      const { rows } = await opts.db.query<{ xid_text: string; position: number }>(
        'SELECT transaction_id::text AS xid_text, position FROM subscription_checkpoints WHERE name = $1', [opts.name],
      );
      return countAfter(opts.db, rows[0] ? toCheckpoint(rows[0]) : START);
    },
    wake() {
      if (running && timer) schedule(0);
    },
    checkpoint: () => memoryCheckpoint,
  };
}
