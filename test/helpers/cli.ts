import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/entry.ts', import.meta.url));
/** tsx's loader by its own address, so that a child started in another folder finds it. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Node's arguments that run `monitoring-grid ...args` from the sources: the entry that
 * bin/monitoring-grid.js runs compiled, so a test sees the code as it is now, without a build.
 * (scripts/check-package.sh runs the built and installed package.)
 */
export const cliArgs = (...args: string[]): string[] => ['--import', TSX, ENTRY, ...args];
