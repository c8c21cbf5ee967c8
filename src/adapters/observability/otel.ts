import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

let sdk: NodeSDK | null = null;
/**
 * Starts the OpenTelemetry SDK: HTTP server and client spans, pg query spans, exported by OTLP/HTTP to
 * `<endpoint>/v1/traces`. Must run before http and pg are loaded (otel-preload.ts does it).
 */
export function startTracing(endpoint: string): NodeSDK {
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'monitoring-grid' }),
    // Only traces: metrics are scraped from /metrics and logs go to stdout, so no OTLP metrics or logs.
    metricReaders: [],
    logRecordProcessors: [],
    traceExporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
    // Action links carry their token in the path: they are not traced, so no token reaches a trace backend.
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health/') || (req.url ?? '').startsWith('/actions/') }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return sdk;
}

/** Sends the spans still buffered; call at shutdown. Nothing to do when tracing never started. */
export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = null;
}
