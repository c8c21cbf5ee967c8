import type { DataSource } from '../datasources/datasource.ts';
import type { DomainEvent } from '../events.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { TxPorts } from '../ports.ts';
import type { ExecutionResult, ExecutionStatus, ExecutionTrigger } from './outcome.ts';
import type { ParameterValues } from './query-params.ts';
import type { RunState } from './transitions.ts';
import type { SeriesHistory } from './judge-series.ts';
import type { SeriesModel } from '../detection/model.ts';
import type { Range } from '../detection/rule.ts';

/** Rows a KPI query returned, with the column names the driver reported. */
export type QueryRun =
  | { readonly ok: true; readonly rows: Record<string, unknown>[]; readonly columns: string[] }
  | { readonly ok: false; readonly status: 'failed' | 'timeout'; readonly error: string };

/** The monitored databases. Failures are values, not exceptions: a down source is an outcome. */
export interface SourceRunner {
  /**
   * Runs a KPI query read-only with the named parameters bound by the driver, after the statement
   * check and the source's inspection. Past `timeoutMs` the query is cancelled on the server, and a
   * kill grace later its connection is killed: the result is `timeout`. `signal` cancels it early.
   * Never throws; reads at most MAX_RESULT_ROWS rows; leaves nothing behind on the connection.
   */
  run(ds: DataSource, query: string, params: ParameterValues, timeoutMs: number, signal?: AbortSignal): Promise<QueryRun>;
  /**
   * Connects, runs a trivial query and inspects the user's rights: the server version and the round
   * trip, with the privileges allowPrivilegedUser accepts as warnings; a refused user is not ok.
   */
  test(ds: DataSource): Promise<{ ok: true; version: string; latencyMs: number; warnings: readonly string[] } | { ok: false; error: string; latencyMs: number }>;
}

/** A past run of the query for a window that had no history, recorded with trigger `backfill`. */
export interface BackfillRun {
  readonly runId: string;
  readonly window: { readonly start: Date; readonly end: Date };
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly status: ExecutionStatus;
  readonly error: string | null;
  readonly rowsReturned: number;
  readonly values: readonly { readonly key: string | null; readonly value: number }[];
}

/** What the scheduler and the API show about a KPI's runs (the read model's run fields). */
export interface KpiRunSummary {
  readonly kpiId: string;
  readonly lastRunAt: Date | null;
  readonly lastStatus: ExecutionStatus | null;
  readonly lastValue: number | null;
  readonly nextRunAt: Date | null;
}

/** The series of one recorded run, as far as a message about it needs them. */
export interface RecordedRun {
  readonly runId: string;
  readonly slot: Date;
  readonly series: readonly {
    readonly key: string | null;
    readonly value: number | null;
    readonly baseline: number | null;
    readonly deviationPercent: number | null;
    readonly band: Range | null;
    readonly breach: boolean;
  }[];
}

/** One run to save: its history rows, its new run state and what its series' models learned. */
export interface RunToSave {
  readonly kpiId: string;
  readonly run: ExecutionResult;
  readonly backfill: readonly BackfillRun[];
  readonly next: RunState;
  readonly models: ReadonlyMap<string, SeriesModel>;
}

/** A scheduled run's lease, by its KPI. */
export interface HeldLease {
  readonly kpiId: string;
  readonly leaseToken: string;
}

/** The execution history and run state, inside or outside a transaction. */
export interface ExecutionRepo {
  /** The models and reference points of a KPI's series for a plan (see SeriesHistory). */
  seriesHistory: SeriesHistory['load'];
  /** Locks the KPI's run state row until the transaction ends, so that two recorders serialise. */
  lockRunState(kpiId: string): Promise<RunState>;
  /** The history rows, the run state and what each series' model learned. */
  saveRun(kpiId: string, run: ExecutionResult, backfill: readonly BackfillRun[], next: RunState, models: ReadonlyMap<string, SeriesModel>): Promise<void>;
  /** saveRun for many runs (of different KPIs) in as few statements as the parameter limit allows. */
  saveRuns(runs: readonly RunToSave[]): Promise<void>;
  /**
   * Ends a scheduled run's lease if `leaseToken` still holds it, locking the run state like
   * lockRunState and returning it; null when another node took the lease over.
   */
  releaseLease(kpiId: string, leaseToken: string): Promise<RunState | null>;
  /** releaseLease for many leases in one statement: the run states of the leases still held, by KPI. */
  releaseLeases(leases: readonly HeldLease[]): Promise<ReadonlyMap<string, RunState>>;
  /** Keeps the KPI read model's version equal to its stream's after appending execution events. */
  setKpiVersion(kpiId: string, version: number): Promise<void>;
  summaries(kpiIds: readonly string[]): Promise<KpiRunSummary[]>;
  /** The KPI's latest scheduled or manual run that recorded a value (backfill runs are history, not runs); null = none yet. */
  lastRunWithValue(kpiId: string): Promise<RecordedRun | null>;
}

export interface ExecutionRecorded {
  readonly kpi: Kpi;
  readonly result: ExecutionResult;
  readonly backfill: readonly BackfillRun[];
  /** The run state before this run (the last recorded status, the series in an incident). */
  readonly previous: RunState;
  /** The KPI-stream events this run appended (already in `tx`). */
  readonly events: readonly DomainEvent[];
  readonly trigger: ExecutionTrigger;
  /** Who caused it: `scheduler`, or the user or key that ran it by hand (the actor of its events). */
  readonly actor: string;
}

/**
 * Called inside the transaction that records a run, after the history rows and events are written:
 * alerting opens alerts and writes outbox rows here, so they commit (or roll back) with the run.
 */
export type ExecutionRecordedListener = (tx: TxPorts, recorded: ExecutionRecorded) => Promise<void>;

/** Called after the run's transaction committed: synchronous, must not throw (counters, a live feed). */
export type ExecutionCommittedListener = (recorded: ExecutionRecorded) => void;
