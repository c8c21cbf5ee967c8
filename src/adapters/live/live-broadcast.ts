import type { Db } from '../storage/db.ts';
import type { Listener } from '../storage/pg-listener.ts';

/** The NOTIFY channel that carries published (non-event) live messages between nodes. */
export const LIVE_CHANNEL = 'monitoringgrid_live';
/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; a bigger message stays on its node. */
const MAX_PAYLOAD = 7_900;

export interface Broadcast {
  /** Sends `payload` to every node's `deliver` (this one included). */
  send(payload: unknown): void;
  /** Starts receiving (idempotent); resolves once LISTEN is in place. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Messages that are not events (a finished execution) reach the listeners of every node: through
 * NOTIFY on a PostgreSQL server, where the execution may run on a scheduler-only node while the dashboard
 * reads an API node; on PGlite there is one process, so they go straight to `deliver`.
 * Delivery is best effort, like the message itself: a node whose LISTEN connection is down misses it.
 */
export function createBroadcast(db: Db, deliver: (payload: unknown) => void, onError: (e: unknown) => void): Broadcast {
  if (!db.listen) return { send: deliver, start: async () => undefined, close: async () => undefined };
  const listen = db.listen.bind(db);
  let listener: Promise<Listener> | null = null;
  let closed = false;
  return {
    send(payload) {
      const text = JSON.stringify(payload);
      // The limit is in bytes; a character outside ASCII takes two to four.
      if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD) return deliver(payload);
      db.query('SELECT pg_notify($1, $2)', [LIVE_CHANNEL, text]).catch(onError);
    },
    start() {
      const attempt = (listener ??= listen(LIVE_CHANNEL, {
        onNotify: (text) => {
          try {
            deliver(JSON.parse(text));
          } catch (e) {
            onError(e);
          }
        },
        onReset: () => undefined,
      }));
      // A LISTEN that could not start is not kept: the next dashboard connection tries again.
      attempt.catch(() => {
        if (listener === attempt) listener = null;
      });
      return attempt.then(async (l) => {
        if (closed) await l.close();
      });
    },
    async close() {
      closed = true;
      const l = await listener?.catch(() => null);
      await l?.close();
    },
  };
}
