/** Attributes of a span: what a trace viewer shows next to its name (kpi.id, rows ...). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** The span `work` runs in: for what is only known at the end (an outcome), and failures that are values. */
export interface Span {
  /** The trace id, to store with what the work records (execution history); undefined when not recording. */
  readonly traceId: string | undefined;
  set(attributes: SpanAttributes): void;
  /** Marks the span failed without an exception (a query that returned `failed`, a refused delivery). */
  fail(message: string): void;
}

/**
 * Tracing as the core sees it: run `work` inside a span named `name`, a child of whatever span is
 * current (an HTTP request, an execution). A thrown failure marks the span and is rethrown unchanged.
 * E.g. an execution: withSpan('kpi.execute', { 'kpi.id': id }, () => withSpan('kpi.query', {...}, run)).
 */
export interface Tracer {
  withSpan<T>(name: string, attributes: SpanAttributes, work: (span: Span) => Promise<T>): Promise<T>;
}

const noopSpan: Span = { traceId: undefined, set: () => undefined, fail: () => undefined };

/** The tracer when tracing is off: it only runs the work. */
export const noopTracer: Tracer = { withSpan: (_name, _attributes, work) => work(noopSpan) };
