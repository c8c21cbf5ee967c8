// The process: `bin/monitoring-grid.js` runs this file compiled (dist/entry.js); tests run it from the
// sources (`node --import tsx src/entry.ts`). Tracing, when configured, must hook http and pg before the
// application loads them, hence the preload first and the commands after it, both imported in order.
await import('./adapters/observability/otel-preload.ts');
const { main } = await import('./cli.ts');
await main(process.argv.slice(2));
