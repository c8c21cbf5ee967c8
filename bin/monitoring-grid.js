#!/usr/bin/env node
// Runs the compiled service: dist/, written by `npm run build` (which `npm start` and `npm pack` run first).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/entry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('monitoring-grid: this checkout is not built; run `npm run build` (or `npm start`) first\n');
  process.exit(1);
}
await import(entry.href);
