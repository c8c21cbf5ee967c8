import type { DataSource } from '../datasources/datasource.ts';
import type { ExecutionStatus } from '../executions/outcome.ts';
import type { QueryRun, SourceRunner } from '../executions/ports.ts';
import type { ParameterValues } from '../executions/query-params.ts';
import { usesWindow } from '../executions/query-params.ts';

/** What the execution history recorded for one past window of a KPI (keys as stored: '' = keyless). */
export interface RecordedWindow {
  readonly status: ExecutionStatus;
  readonly error: string | null;
  /** Recorded by a backfill (history for a baseline, never judged) rather than a run of the schedule or by hand. */
  readonly backfill: boolean;
  /** One per series; a null value = the query returned no rows. */
  readonly values: readonly { readonly key: string; readonly value: number | null }[];
}

/** Recorded windows by the time their window ended (ms since the epoch). */
export type RecordedWindows = ReadonlyMap<number, RecordedWindow>;

/** Where a backtest took a window's value from. `none`: no history, and the query cannot be run for a past window. */
export type WindowOrigin = 'history' | 'source' | 'none' | 'not_run';

/** Shared by the replays of one backtest (the tried rule and the current one). */
export interface QueryBudget {
  /** Source queries one backtest may run (2,000 by default). */
  readonly maxQueries: number;
  /** Past this time (ms since the epoch, the backtest's clock) no further query starts. */
  readonly deadlineMs: number;
  /** Source queries run so far. */
  used: number;
  limitReached: 'source_queries' | 'time' | null;
}

export const NO_DATA = 'no recorded value, and the query takes no :windowStart/:windowEnd to run it for a past window';
export const NOT_RUN = 'not run: the backtest reached its limit of source queries or time';

/**
 * The monitored database as a backtest sees it: a window the history recorded is answered from the
 * history; any other past window is run on the source (read-only, within the KPI's timeout, like any
 * run) when the query takes the window parameters, at most once per window, while the budget lasts.
 * `allowSource: false` (the warm-up before the backtest's range) answers from the history only.
 */
export class BacktestSource implements SourceRunner {
  allowSource = true;
  private readonly cache = new Map<number, QueryRun>();
  private readonly origins = new Map<number, WindowOrigin>();

  constructor(
    private readonly real: SourceRunner,
    private readonly recorded: RecordedWindows,
    private readonly budget: QueryBudget,
    private readonly nowMs: () => number,
  ) {}

  /** Where the window ending at `endMs` came from (after it was asked for). */
  origin(endMs: number): WindowOrigin {
    return this.origins.get(endMs) ?? 'none';
  }

  async run(ds: DataSource, query: string, params: ParameterValues, timeoutMs: number, signal?: AbortSignal): Promise<QueryRun> {
    const end = (params.windowEnd as Date).getTime();
    const recorded = this.recorded.get(end);
    if (recorded !== undefined) {
      this.origins.set(end, 'history');
      return fromRecord(recorded);
    }
    const cached = this.cache.get(end);
    if (cached !== undefined) {
      this.origins.set(end, 'source');
      return cached;
    }
    if (!this.allowSource || !usesWindow(query)) {
      this.origins.set(end, 'none');
      return { ok: false, status: 'failed', error: NO_DATA };
    }
    const b = this.budget;
    if (b.used >= b.maxQueries || this.nowMs() >= b.deadlineMs || signal?.aborted === true) {
      if (signal?.aborted !== true) b.limitReached ??= b.used >= b.maxQueries ? 'source_queries' : 'time';
      this.origins.set(end, 'not_run');
      return { ok: false, status: 'failed', error: NOT_RUN };
    }
    b.used++;
    const run = await this.real.run(ds, query, params, timeoutMs, signal);
    this.cache.set(end, run);
    this.origins.set(end, 'source');
    return run;
  }

  test(ds: DataSource): ReturnType<SourceRunner['test']> {
    return this.real.test(ds);
  }
}

/** A recorded window as the rows its query returned: `value` alone for a keyless KPI, else `key, value`. */
function fromRecord(r: RecordedWindow): QueryRun {
  if (r.status !== 'success') return { ok: false, status: r.status === 'timeout' ? 'timeout' : 'failed', error: r.error ?? r.status };
  const withValue = r.values.filter((v): v is { key: string; value: number } => v.value !== null);
  if (withValue.length === 0) return { ok: true, rows: [], columns: ['value'] };
  if (withValue.length === 1 && withValue[0]!.key === '') return { ok: true, rows: [{ value: withValue[0]!.value }], columns: ['value'] };
  return { ok: true, rows: withValue.map((v) => ({ key: v.key, value: v.value })), columns: ['key', 'value'] };
}
