import type { QueryRun } from '../../core/executions/ports.ts';
import type { ParameterValues } from '../../core/executions/query-params.ts';

/** One monitored database's bounded connection pool; one file per database kind implements it. */
export interface SourcePool {
  /** Runs a KPI query read-only; see SourceRunner.run. Never throws: failures are values. */
  run(query: string, params: ParameterValues, timeoutMs: number, signal?: AbortSignal): Promise<QueryRun>;
  /** The server's version string; throws when the source cannot be reached. */
  version(): Promise<string>;
  close(): Promise<void>;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** How long after the server-side timeout the client stops waiting and cancels by itself. */
export const CLIENT_GRACE_MS = 1_000;

/**
 * Calls `cancel` when the query runs past `timeoutMs` or the signal aborts, and remembers which it was.
 * `stop()` disarms it once the query is done.
 */
export function watchdog(timeoutMs: number, signal: AbortSignal | undefined, cancel: () => void): { readonly fired: () => 'timeout' | 'aborted' | null; stop(): void } {
  let fired: 'timeout' | 'aborted' | null = null;
  const fire = (why: 'timeout' | 'aborted') => {
    if (fired !== null) return;
    fired = why;
    cancel();
  };
  const timer = setTimeout(() => fire('timeout'), timeoutMs);
  const onAbort = () => fire('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  return {
    fired: () => fired,
    stop() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The result of a query stopped by the watchdog or failed on its own. */
export function failure(fired: 'timeout' | 'aborted' | null, timedOutOnServer: boolean, timeoutMs: number, e: unknown): QueryRun {
  if (fired === 'aborted') return { ok: false, status: 'failed', error: 'cancelled: the node is shutting down' };
  if (fired === 'timeout' || timedOutOnServer) return { ok: false, status: 'timeout', error: `cancelled on the server after the timeout of ${timeoutMs} ms` };
  return { ok: false, status: 'failed', error: errorText(e) };
}
