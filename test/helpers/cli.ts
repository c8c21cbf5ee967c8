import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/entry.ts', import.meta.url));

/**
 * Node's arguments that run `monitoring-grid ...args` from the sources: the entry that
 * bin/monitoring-grid.js runs compiled, so a test sees the code as it is now, without a build.
 * (scripts/check-package.sh runs the built and installed package.)
 */
export const cliArgs = (...args: string[]): string[] => ['--import', 'tsx', ENTRY, ...args];
