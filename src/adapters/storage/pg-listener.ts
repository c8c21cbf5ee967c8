import pg from 'pg';

/** A live LISTEN on one channel of a PostgreSQL server. */
export interface Listener {
  /** False while the connection is down: notifications may be missed, so callers must not trust caches. */
  connected(): boolean;
  /**
   * Resolves after a round trip on the listening connection. The server delivers every notification
   * committed before that query was sent ahead of its answer, so after `sync()` none is still on its way.
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface ListenHandlers {
  onNotify(payload: string): void;
  /** The connection dropped (notifications may be lost); it reconnects by itself every `retryMs`. */
  onReset(): void;
}

/** LISTEN on a dedicated connection (outside the pool, which would hand it to other queries). */
export async function listenPg(connectionString: string, channel: string, handlers: ListenHandlers, retryMs = 1_000): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | null = null;
  let closed = false;
  const drop = (c: pg.Client): void => {
    if (client !== c) return;
    client = null;
    handlers.onReset();
    c.end().catch(() => undefined);
    if (!closed) setTimeout(() => void (closed ? undefined : connect().catch(() => undefined)), retryMs).unref();
  };
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString, application_name: 'monitoring-grid-listener' });
    c.on('notification', (m) => {
      if (m.channel === channel) handlers.onNotify(m.payload ?? '');
    });
    c.on('error', () => drop(c));
    c.on('end', () => drop(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (e) {
      client = c;
      drop(c);
      throw e;
    }
    if (closed) await c.end();
    else client = c;
  };
  try {
    await connect();
  } catch (e) {
    closed = true; // the caller gets no handle to close: no reconnection may outlive this failure
    throw e;
  }
  return {
    connected: () => client !== null,
    async sync() {
      if (client === null) throw new Error('the listener is not connected');
      await client.query('SELECT 1');
    },
    async close() {
      closed = true;
      const c = client;
      client = null;
      await c?.end();
    },
  };
}
