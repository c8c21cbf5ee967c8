import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../src/adapters/event-store/event-store.ts';
import { createLogger } from '../src/adapters/observability/logger.ts';
import { otelTracer } from '../src/adapters/observability/tracing.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { buildContact, buildKpi } from './helpers/factories.ts';
import { createPostgresSource, type MonitoredDb } from './helpers/monitored.ts';
import { createAlertWorker } from '../src/adapters/delivery/alert-worker.ts';
import { alertFixture, breach, notifierFor } from './alerts/fixture.ts';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const lines: Record<string, unknown>[] = [];
const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });

let t: TestApp;
let monitored: MonitoredDb;
beforeAll(async () => {
  provider.register();
  t = await buildTestApp({ overrides: { logger: createLogger('info', sink), tracing: true } });
  monitored = await createPostgresSource();
}, 120_000);
afterAll(async () => {
  await t.close();
  await monitored.close();
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

  it('a real execution on a monitored database: request > kpi.execute > kpi.query, with the outcome; a failing query marks both', async () => {
    const ds = (await t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: 'traced', ...monitored.dataSource } })).json<{ id: string }>();
    const kpi = (id: string, query: string) => t.inject({ method: 'POST', url: '/api/v1/kpis', payload: buildKpi({ dataSourceId: ds.id, indicator: id, query }) }).then((r) => r.json<{ id: string }>().id);
    const good = await kpi('Traced good', 'SELECT 5 AS value');
    const bad = await kpi('Traced bad', 'SELECT 1/0 AS value');
    for (const [id, status] of [[good, 'success'], [bad, 'failed']] as const) {
      exporter.reset();
      const res = await t.inject({ method: 'POST', url: `/api/v1/kpis/${id}/execute` });
      expect(res.json().status).toBe(status);
      const spans = exporter.getFinishedSpans();
      const query = spans.find((s) => s.name === 'kpi.query')!;
      const chain = ancestry(query, spans);
      expect(chain.slice(0, 2)).toEqual(['kpi.query', 'kpi.execute']);
      expect(chain.at(-1)).toBe('request');
      const execute = spans.find((s) => s.name === 'kpi.execute')!;
      expect(query.attributes['db.system']).toBe('postgresql');
      expect(execute.attributes).toMatchObject({ 'kpi.id': id, trigger: 'manual', outcome: status === 'success' ? 'no_judgement' : 'failed', status });
      expect([execute.status.code, query.status.code]).toEqual(status === 'success' ? [0, 0] : [2, 2]); // UNSET or ERROR
      if (status === 'failed') expect(query.status.message).toMatch(/division by zero/);
      // The execution history links to the trace.
      const [row] = (await t.inject({ method: 'GET', url: `/api/v1/kpis/${id}/executions` })).json<{ items: { traceId: string }[] }>().items;
      expect(row!.traceId).toBe(execute.spanContext().traceId);
    }
  });

  it('a span per notification sent, with its channel and outcome; a refused webhook marks its span failed', async () => {
    const webhooks = [{ name: 'ops', kind: 'webhook' as const, url: 'http://127.0.0.1:1/hook', kpis: null }];
    const f = await alertFixture(t.store, { smtpUrl: 'smtp://127.0.0.1:1', mailEnabled: false, webhooks });
    const notifier = notifierFor(t.store, f.deps, { mailer: null, webhooks, timeoutMs: 500, clock: f.clock, log: () => undefined });
    const worker = createAlertWorker({ ...f.deps, db: t.store.db, settings: f.settings, notifier, retry: { retryCount: 3, baseDelayMs: 60_000 }, tracer: otelTracer });
    await f.judge(breach(await f.makeKpi({ priority: 2 }, [buildContact({ phone: null })])));
    exporter.reset();
    expect(await worker.tick()).toMatchObject({ sent: 1, failed: 1 });
    const sends = exporter.getFinishedSpans().filter((s) => s.name === 'notification.send');
    const byChannel = Object.fromEntries(sends.map((s) => [s.attributes.channel, s]));
    expect(Object.keys(byChannel).sort()).toEqual(['log', 'webhook']);
    expect(byChannel.log!.attributes.outcome).toBe('sent');
    expect(byChannel.log!.status.code).toBe(0);
    expect(byChannel.webhook!.attributes.outcome).toBe('failed');
    expect(byChannel.webhook!.status.code).toBe(2);
    f.close();
  });
});
