import type { QueryRun } from '../../core/executions/ports.ts';
import type { ParameterValues } from '../../core/executions/query-params.ts';
import type { Inspection } from '../../core/datasources/inspection.ts';

/** The bounds of one KPI query run. */
export interface RunLimits {
  /** The KPI's timeout: the query is cancelled then, ms. */
  readonly timeoutMs: number;
  /** After the cancel the run waits this long, ms; then the connection is killed on the server and dropped. */
  readonly killGraceMs: number;
  /** Rows read at most; a result with more fails the run (the rest is never read). */
  readonly maxRows: number;
  /** The KPI's own timeout, for messages, when `timeoutMs` is what remained of it after the inspection. */
  readonly statedTimeoutMs?: number;
}

/** One monitored database's bounded set of connections; one file per database kind implements it. */
export interface SourcePool {
  /**
   * Runs a checked KPI statement read-only; see SourceRunner.run. Never throws, never outlives
   * `timeoutMs + killGraceMs`, and leaves nothing behind on the connection it used.
   */
  run(text: string, params: ParameterValues, limits: RunLimits, signal?: AbortSignal): Promise<QueryRun>;
  /** What the connecting user may do that a KPI query must not be able to; throws when unreachable. */
  inspect(): Promise<Inspection>;
  /** The server's version string; throws when the source cannot be reached. */
  version(): Promise<string>;
  close(): Promise<void>;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Ways a run ends without rows; `reason` of an aborted signal is the message when it is a string. */
export function stopped(why: 'timeout' | 'aborted', limits: RunLimits, signal?: AbortSignal): QueryRun {
  if (why === 'aborted') {
    const reason: unknown = signal?.reason;
    return { ok: false, status: 'failed', error: `cancelled: ${typeof reason === 'string' ? reason : 'the node is shutting down'}` };
  }
  return { ok: false, status: 'timeout', error: `cancelled on the server after the timeout of ${limits.statedTimeoutMs ?? limits.timeoutMs} ms` };
}

export const failed = (e: unknown): QueryRun => ({ ok: false, status: 'failed', error: errorText(e) });

export const tooManyRows = (limits: RunLimits): QueryRun =>
  ({ ok: false, status: 'failed', error: `the query returned more than ${limits.maxRows} rows (MAX_RESULT_ROWS); only that many are read` });

/** What supervise does to a query that overruns: cancel it, and kill its connection if that did not help. */
export interface Stopper {
  /** Asks the server to cancel the statement (best effort; the query may ignore it). */
  cancel(): void;
  /** Ends the statement for sure: kills the session on the server and drops the client. Must not reject. */
  kill(): Promise<void>;
}

/** How long a kill may take on the server before the run is reported over anyway, ms (at most the kill grace). */
export const killWaitMs = (killGraceMs: number): number => Math.min(1_000, killGraceMs);

/**
 * Runs `work` under a watchdog. At the timeout (or when the signal aborts) `cancel`; `killGraceMs`
 * later `kill`, and the run is over once the kill is done (or killWaitMs later), as `timeout` (or
 * `failed` when aborted), whatever `work` does.
 * An answer that arrives after the watchdog fired is a timeout too (a killed MySQL SLEEP answers 1).
 */
export function supervise(limits: RunLimits, signal: AbortSignal | undefined, stopper: Stopper, work: () => Promise<QueryRun>): Promise<QueryRun> {
  if (signal?.aborted) return Promise.resolve(stopped('aborted', limits, signal)); // nothing started, nothing to stop
  return new Promise<QueryRun>((resolve) => {
    let fired: 'timeout' | 'aborted' | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (r: QueryRun) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const fire = (why: 'timeout' | 'aborted') => {
      if (fired !== null || settled) return;
      fired = why;
      stopper.cancel();
      // The kill is awaited (a little while), so that when the run is over its backend is gone too.
      killTimer = setTimeout(() => {
        const over = () => finish(stopped(why, limits, signal));
        const wait = setTimeout(over, killWaitMs(limits.killGraceMs));
        void stopper.kill().then(() => { clearTimeout(wait); over(); });
      }, limits.killGraceMs);
    };
    const timer = setTimeout(() => fire('timeout'), limits.timeoutMs);
    const onAbort = () => fire('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    work().then(
      (r) => finish(fired === null ? r : stopped(fired, limits, signal)),
      (e: unknown) => finish(fired === null ? failed(e) : stopped(fired, limits, signal)),
    );
  });
}
