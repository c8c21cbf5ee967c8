/**
 * Loaded before the application (by src/entry.ts, which bin/monitoring-grid.js runs) so that OpenTelemetry
 * can hook the modules it instruments (http, pg) as they load: ESM needs import-in-the-middle's loader
 * hook registered first.
 * Does nothing, and loads nothing of OpenTelemetry's SDK, unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import { register } from 'node:module';
import { loadConfig } from '../../config.ts';

let endpoint: string | null = null;
try {
  endpoint = loadConfig(process.env).otlpEndpoint;
} catch {
  // An invalid configuration is reported by the command that runs next.
}

if (endpoint !== null) {
  register('import-in-the-middle/hook.mjs', import.meta.url);
  const { startTracing } = await import('./otel.ts');
  startTracing(endpoint);
}
