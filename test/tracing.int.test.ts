import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../src/adapters/event-store/event-store.ts';
import { createLogger } from '../src/adapters/observability/logger.ts';
import { otelTracer } from '../src/adapters/observability/tracing.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { buildContact } from './helpers/factories.ts';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const lines: Record<string, unknown>[] = [];
const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });

let t: TestApp;
beforeAll(async () => {
  provider.register();
  t = await buildTestApp({ overrides: { logger: createLogger('info', sink), tracing: true } });
}, 120_000);
afterAll(async () => {
  await t.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
});

const spanId = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
/** Names from a span up to its root: [self, parent, grandparent ...]. */
function ancestry(span: ReadableSpan, all: ReadableSpan[]): string[] {
  const names = [span.name];
  for (let p = parentOf(span); p; ) {
    const parent = all.find((s) => spanId(s) === p);
    if (!parent) break;
    names.push(parent.name);
    p = parentOf(parent);
  }
  return names;
}

describe('traces', () => {
  it('an execution-shaped unit of work: the query span is a child of the execution span, a failure marks both', async () => {
    exporter.reset();
    await expect(otelTracer.withSpan('kpi.execute', { 'kpi.id': 'kpi_1' }, () =>
      otelTracer.withSpan('kpi.query', { 'db.system': 'postgresql' }, async () => { throw new Error('statement timeout'); }))).rejects.toThrow('statement timeout');
    const spans = exporter.getFinishedSpans();
    const execute = spans.find((s) => s.name === 'kpi.execute')!;
    const query = spans.find((s) => s.name === 'kpi.query')!;
    expect(parentOf(query)).toBe(spanId(execute));
    expect(query.spanContext().traceId).toBe(execute.spanContext().traceId);
    expect(execute.attributes['kpi.id']).toBe('kpi_1');
    expect([execute.status.code, query.status.code]).toEqual([2, 2]); // ERROR
  });

  it('a request: the core span is a child of the request span, and the log line written meanwhile carries its trace id', async () => {
    exporter.reset();
    const res = await t.inject({ method: 'POST', url: '/api/v1/audittrail/search', headers: { 'x-correlation-id': 'cor-trace-1' }, payload: { q: 'deposits' } });
    expect(res.statusCode).toBe(200);
    const spans = exporter.getFinishedSpans();
    const search = spans.find((s) => s.name === 'audit.search')!;
    const chain = ancestry(search, spans);
    expect(chain[0]).toBe('audit.search');
    expect(chain.length).toBeGreaterThan(1);
    expect(chain.at(-1)).toBe('request'); // the request span of @fastify/otel is the root
    const line = lines.find((l) => l.msg === 'audit trail searched')!;
    expect(line).toMatchObject({ trace_id: search.spanContext().traceId, correlationId: 'cor-trace-1' });
    expect(line.reqId).toMatch(/^req_/);
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('an event appended during a traced request records the trace id, so the audit trail links to the trace', async () => {
    exporter.reset();
    const res = await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact() });
    const [event] = await readStream(t.store.db, `contact-${res.json().id}`);
    const request = exporter.getFinishedSpans().find((s) => s.name === 'request')!;
    expect(event!.metadata.traceId).toBe(request.spanContext().traceId);
  });
});
