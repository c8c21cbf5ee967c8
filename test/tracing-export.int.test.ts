import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, storeKind, type TestStore } from './helpers/store.ts';
import { startServiceProcess } from './web/service-process.ts';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: { key: string; value: Record<string, unknown> }[] }

/** A stand-in OTLP/HTTP collector: keeps every span posted to /v1/traces (the JSON encoding the exporter uses). */
function startCollector(): Promise<{ url: string; spans: OtlpSpan[]; services: Set<string>; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const services = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          for (const a of rs.resource?.attributes ?? []) if (a.key === 'service.name') services.add(a.value.stringValue);
          for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ url: `http://127.0.0.1:${port}`, spans, services, close: () => new Promise((r) => server.close(() => r())) });
  }));
}

// One run is enough: the service process and its exporter are the same on both stores.
describe.runIf(storeKind() === 'postgres')('traces reach a collector', () => {
  let store: TestStore;
  beforeAll(async () => void (store = await createTestStore('postgres', { migrate: false })));
  afterAll(async () => store.close());

  it('with OTEL_EXPORTER_OTLP_ENDPOINT set, the running service exports its request and store spans by OTLP', async () => {
    const collector = await startCollector();
    const service = await startServiceProcess({
      DATABASE_URL: store.url!, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'mg-otlp-')), DEMO: 'false',
      ADMIN_PASSWORD: 'otlp-test-password', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    });
    try {
      const login = await fetch(`${service.url}api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'otlp-test-password' }),
      });
      expect(login.status).toBe(200);
      const res = await fetch(`${service.url}api/v1/kpis`, { headers: { authorization: `Bearer ${(await login.json()).accessToken}` } });
      expect(res.status).toBe(200);
    } finally {
      await service.stop(); // the shutdown flushes the spans still buffered
      await collector.close();
    }
    expect([...collector.services]).toEqual(['monitoring-grid']);
    const request = collector.spans.find((s) => /GET/.test(s.name) && s.attributes?.some((a) => a.key === 'http.route' && a.value.stringValue === '/api/v1/kpis'));
    expect(request, `spans: ${collector.spans.map((s) => s.name).join(', ')}`).toBeDefined();
    // The store's queries made for that request are its children, in the same trace.
    const queries = collector.spans.filter((s) => s.traceId === request!.traceId && s.attributes?.some((a) => a.key === 'db.system' || a.key === 'db.system.name'));
    expect(queries.length).toBeGreaterThan(0);
  }, 120_000);
});
