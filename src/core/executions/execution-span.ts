import type { DataSourceKind } from '../datasources/datasource.ts';
import { noopTracer, type Span, type Tracer } from '../tracer.ts';
import type { ExecutionResult } from './outcome.ts';

/** OpenTelemetry's `db.system` names for the kinds of monitored database. */
export const DB_SYSTEM: Record<DataSourceKind, string> = { postgres: 'postgresql', mysql: 'mysql', sqlite: 'sqlite' };

/** What a finished run amounts to, for counting and for its span: the run's failure, else its series' outcomes. */
export type RunOutcome = 'ok' | 'breach' | 'no_judgement' | 'failed' | 'timeout' | 'stuck';

/** A breach in any series makes the run a breach; one judged ok series (and no breach) makes it ok. */
export function runOutcome(r: Pick<ExecutionResult, 'status' | 'series'>): RunOutcome {
  if (r.status !== 'success') return r.status;
  if (r.series.some((s) => s.outcome.kind === 'breach')) return 'breach';
  return r.series.some((s) => s.outcome.kind === 'ok') ? 'ok' : 'no_judgement';
}

/** Writes a run's outcome on its `kpi.execute` span; a run that did not succeed marks the span failed. */
export function markExecution(span: Span, r: ExecutionResult): void {
  span.set({ outcome: runOutcome(r), status: r.status, 'execution.run_id': r.runId, rows: r.rowsReturned });
  if (r.status !== 'success') span.fail(r.error ?? r.status);
}

/** The span of one execution (query, judgement and recording): children are its `kpi.query` spans. */
export function withExecutionSpan<T>(tracer: Tracer | undefined, kpiId: string, trigger: string, work: (span: Span) => Promise<T>): Promise<T> {
  return (tracer ?? noopTracer).withSpan('kpi.execute', { 'kpi.id': kpiId, trigger }, work);
}
