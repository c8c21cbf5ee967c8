/** Attributes of a span: what a trace viewer shows next to its name (kpi.id, rows ...). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Tracing as the core sees it: run `work` inside a span named `name`, a child of whatever span is
 * current (an HTTP request, an execution). A failure marks the span and is rethrown unchanged.
 * E.g. an execution: withSpan('kpi.execute', { 'kpi.id': id }, () => withSpan('kpi.query', {...}, run)).
 */
export interface Tracer {
  withSpan<T>(name: string, attributes: SpanAttributes, work: () => Promise<T>): Promise<T>;
}

/** The tracer when tracing is off: it only runs the work. */
export const noopTracer: Tracer = { withSpan: (_name, _attributes, work) => work() };
