import { SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { Span, SpanAttributes, Tracer } from '../../core/tracer.ts';

const TRACER_NAME = 'monitoring-grid';

const clean = (a: SpanAttributes): Attributes =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Attributes;

/**
 * The core's Tracer on the OpenTelemetry API. Until an SDK registers a provider (otel-preload.ts, only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set) the API hands out non-recording spans: tracing costs nothing.
 */
export const otelTracer: Tracer = {
  withSpan(name, attributes, work) {
    return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes: clean(attributes) }, async (span) => {
      const ctx = span.spanContext();
      const handle: Span = {
        traceId: span.isRecording() ? ctx.traceId : undefined,
        set: (a) => void span.setAttributes(clean(a)),
        fail: (message) => void span.setStatus({ code: SpanStatusCode.ERROR, message }),
      };
      try {
        return await work(handle);
      } catch (e) {
        span.recordException(e instanceof Error ? e : String(e));
        span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
        throw e;
      } finally {
        span.end();
      }
    });
  },
};

/** The trace and span ids of the active span, for log lines and event metadata; {} outside any span. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}
