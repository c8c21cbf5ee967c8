import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createPostgresSource, type MonitoredDb } from '../../helpers/monitored.ts';
import { createTestStore, type TestStore } from '../../helpers/store.ts';
import { openBrowser, type Browser } from '../browser.ts';
import { startServiceProcess, type ServiceProcess } from '../service-process.ts';
import { buildDashboard } from './dashboard-build.ts';

/** What a browser test drives: the real service process on its own store, its monitored database, Chromium. */
export interface BrowserSuite {
  readonly store: TestStore;
  readonly monitored: MonitoredDb;
  readonly service: ServiceProcess;
  readonly browser: Browser;
}

/**
 * The harness of one browser test file, set up before its tests and torn down after them (call it inside
 * the file's describe): the dashboard built into its own folder, a fresh PostgreSQL store, a monitored
 * database given `seed`, the service process (no demo) and a browser. Its fields are there once the
 * tests run.
 */
export function useBrowserSuite(name: string, o: { adminPassword: string; seed: (m: MonitoredDb) => Promise<void> }): BrowserSuite {
  const s: { -readonly [K in keyof BrowserSuite]?: BrowserSuite[K] } = {};
  let webDir: string | undefined;
  beforeAll(async () => {
    webDir = await buildDashboard();
    s.store = await createTestStore('postgres', { migrate: false });
    s.monitored = await createPostgresSource();
    await o.seed(s.monitored);
    s.service = await startServiceProcess({
      DATABASE_URL: s.store.url!, DEMO: 'false', ADMIN_PASSWORD: o.adminPassword, WEB_DIR: webDir, DATA_DIR: mkdtempSync(path.join(tmpdir(), `mg-${name}-`)),
    });
    s.browser = await openBrowser();
    console.log(`${name} screenshots: ${s.browser.screenshots}`);
  }, 120_000);
  afterAll(async () => {
    await s.browser?.close();
    await s.service?.stop();
    await s.monitored?.close();
    await s.store?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });
  return s as BrowserSuite;
}
