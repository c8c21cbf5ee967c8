#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the package needs no build step.
import { register } from 'tsx/esm/api';

register();
// Tracing (only when OTEL_EXPORTER_OTLP_ENDPOINT is set) must hook http and pg before the app loads them.
await import('../src/adapters/observability/otel-preload.ts');
await import('../src/cli.ts');
