import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; CI installs it (.ci/run). Never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  readonly page: Page;
  /** Where screenshots go: os.tmpdir()/monitoring-grid-screenshots/<run>. */
  readonly screenshots: string;
  /** Saves `NN-name.png` (numbered in order) of the whole page. */
  shot(name: string): Promise<string>;
  /** Console errors and page errors seen so far (a page that throws fails the test). */
  readonly errors: string[];
  /** Waits until no request is on its way but the live feed's (so that `errors` holds their answers). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: apt-get install chromium (CI does), or set CHROMIUM_PATH`);
  const profile = mkdtempSync(path.join(tmpdir(), 'mg-chromium-'));
  const screenshots = path.join(tmpdir(), 'monitoring-grid-screenshots', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(screenshots, { recursive: true });
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  const inFlight = new Set<object>();
  page.on('request', (r) => { if (!r.url().includes('/events/live')) inFlight.add(r); });
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('requestfailed', (r) => inFlight.delete(r));
  let n = 0;
  return {
    page, screenshots, errors,
    async settled() {
      for (let quiet = 0; quiet < 3; quiet = inFlight.size === 0 ? quiet + 1 : 0) await new Promise((r) => setTimeout(r, 100));
    },
    async shot(name) {
      const file = path.join(screenshots, `${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
