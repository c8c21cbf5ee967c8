import pg from 'pg';

export const EVENTS_CHANNEL = 'monitoringgrid_events';

/**
 * Listens on a PostgreSQL server for appended events (migration 0401) and calls `onAppend` for each
 * committing transaction. A lost connection is retried every `retryMs`; meanwhile subscriptions still
 * poll, so a missed notification only costs one poll interval. Returns the function that stops it.
 */
export function listenForAppends(connectionString: string, onAppend: () => void, opts: { retryMs?: number; onError?: (e: unknown) => void } = {}): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString, application_name: 'monitoring-grid-listener' });
    c.on('notification', () => onAppend());
    c.on('error', (e) => {
      opts.onError?.(e);
      void c.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), opts.retryMs ?? 5000);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
      client = c;
      if (stopped) await c.end();
    } catch (e) {
      opts.onError?.(e);
      await c.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), opts.retryMs ?? 5000);
    }
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
