import { defineConfig } from 'vitest/config';

const integration = ['test/**/*.int.test.ts'];

/**
 * (`extends: true` makes each project inherit the timeouts above; inline projects do not by default.)
 * Three projects: the pure unit tests, and the integration suite twice — on the PostgreSQL server on
 * this machine and on embedded PGlite — so the same queries are proven on both stores.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: integration } },
      { extends: true, test: { name: 'postgres', include: integration, env: { TEST_STORE: 'postgres' } } },
      { extends: true, test: { name: 'pglite', include: integration, env: { TEST_STORE: 'pglite' } } },
    ],
  },
});
