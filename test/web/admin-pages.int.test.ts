import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { depositsBefore, seedSteadyDeposits } from './helpers/deposits.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { openBrowser, type Browser } from './browser.ts';
import { apiKeyShownOnceThenRevoked, userCreatedThenDisabled } from './helpers/admin-steps.ts';
import { heading, nav, overflowing, poll, signInAsAdmin, unlabelled } from './helpers/page.ts';
import { apiClient, buildDashboard, freePort } from './helpers/dashboard-build.ts';
import { startServiceProcess, type ServiceProcess } from './service-process.ts';

/**
 * The alert, admin, audit and system pages in Debian's Chromium against the real service process:
 * data source (with its connection test) and contact through the UI, an alert acknowledged with a
 * note, that change and a KPI edit found in the audit trail and on the entity timelines, an API key
 * shown once and revoked. Screenshots of every page go to the folder printed at the start.
 */
const ADMIN_PASSWORD = 'admin-pages-test-password';
const NOTE = 'Looking into it: a deposit campaign started';

let store: TestStore;
let monitored: MonitoredDb;
let service: ServiceProcess;
let browser: Browser;
let webDir: string;
/** A webhook receiver that refuses the first message (500) and takes the rest: a dead letter, then a good retry. */
let hook: Server;
let hookCalls = 0;


describe.runIf(storeKind() === 'postgres')('the alert, admin, audit and system pages in a browser', () => {
  beforeAll(async () => {
    webDir = await buildDashboard();
    store = await createTestStore('postgres', { migrate: false });
    monitored = await createPostgresSource();
    await seedSteadyDeposits(monitored);
    hook = createServer((req, res) => {
      req.resume();
      res.writeHead(++hookCalls === 1 ? 500 : 204).end();
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    service = await startServiceProcess({
      PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: store.url!, DEMO: 'false', ADMIN_PASSWORD, WEB_DIR: webDir, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'mg-admin-pages-')),
      WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, ALERT_RETRY_COUNT: '0',
    });
    browser = await openBrowser();
    console.log(`admin pages screenshots: ${browser.screenshots}`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    hook?.close();
    await monitored?.close();
    await store?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  it('data source with connection test, contact, alert acknowledged with a note, found in the audit trail; API key shown once and revoked', async () => {
    const { page, shot } = browser;
    page.on('dialog', (d) => void d.accept());
    await signInAsAdmin(page, service.url, ADMIN_PASSWORD);

    // A data source through its form, then its connection test: latency and the server's version.
    // Another, made beforehand through the API, points at a closed port: its test shows the error.
    const call = await apiClient(service.url, 'admin', ADMIN_PASSWORD);
    await call('POST', '/datasources', { name: 'Broken replica', kind: 'postgres', host: '127.0.0.1', port: 1, database: 'none', user: 'none' });
    await nav(page, 'Data sources');
    await heading(page, 'Data sources');
    await page.getByRole('button', { name: 'New data source' }).click();
    const dsForm = page.getByRole('form', { name: 'New data source' });
    const ds = monitored.dataSource as { host: string; port: number; database: string; user: string };
    await dsForm.getByLabel('Name', { exact: true }).fill('Shop replica');
    await dsForm.getByLabel('Host').fill(ds.host);
    await dsForm.getByLabel('Port').fill(String(ds.port));
    await dsForm.getByLabel('Database', { exact: true }).fill(ds.database);
    await dsForm.getByRole('button', { name: 'Save data source' }).click();
    // The API's validation (no user), shown next to its field and read with it.
    const user = dsForm.getByLabel('User');
    await poll(() => user.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await user.getAttribute('aria-describedby')}`).innerText()).toBe('a postgres data source needs a user');
    await shot('datasource-invalid');
    await user.fill(ds.user);
    await dsForm.getByRole('button', { name: 'Save data source' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Shop replica' });
    await page.getByRole('button', { name: 'Test the connection to Shop replica' }).click();
    await poll(() => row.innerText()).toMatch(/Connected in \d+ ms: PostgreSQL \d+/);
    await page.getByRole('button', { name: 'Test the connection to Broken replica' }).click();
    await poll(() => page.getByRole('row').filter({ hasText: 'Broken replica' }).innerText()).toMatch(/Failed after \d+ ms: .*ECONNREFUSED|Failed after \d+ ms: .*refused/i);
    await shot('datasources-connected');

    await nav(page, 'Contacts');
    await page.getByRole('button', { name: 'New contact' }).click();
    const contactForm = page.getByRole('form', { name: 'New contact' });
    await contactForm.getByLabel('Name').fill('Ann on call');
    await contactForm.getByLabel('Email').fill('ann@example.com');
    await contactForm.getByRole('button', { name: 'Save contact' }).click();
    const ann = page.getByRole('row').filter({ hasText: 'Ann on call' });
    await poll(() => ann.innerText()).toContain('ann@example.com');
    // Changed (with its version, If-Match): a phone the API refuses, told next to the field, then a good one.
    await ann.getByRole('button', { name: 'Edit Ann on call' }).click();
    const editForm = page.getByRole('form', { name: 'Edit Ann on call' });
    await editForm.getByLabel('Phone (SMS)').fill('call me');
    await editForm.getByRole('button', { name: 'Save contact' }).click();
    await poll(() => editForm.getByText('must be an E.164 number such as +4915112345678', { exact: true }).count()).toBe(1);
    await editForm.getByLabel('Phone (SMS)').fill('+4915112345678');
    await editForm.getByRole('button', { name: 'Save contact' }).click();
    await poll(() => ann.innerText()).toContain('+4915112345678');
    await shot('contacts');

    // The KPI (its editor is the grid test's), run ok, then breached: 40 more deposits, 60 against 20.
    // Its rule is set explicitly: ±50 % without the adaptive band, and one breaching run opens the alert.
    const source = (await call<{ items: { id: string; name: string }[] }>('GET', '/datasources')).items.find((d) => d.name === 'Shop replica');
    const [contact] = (await call<{ items: { id: string }[] }>('GET', '/contacts')).items;
    const kpi = await call<{ id: string; version: number }>('POST', '/kpis', {
      indicator: 'Deposits per hour', owner: 'payments', dataSourceId: source!.id, contactIds: [contact!.id], frequencyMinutes: 1440, lastMinutes: 60,
      sensitivity: null, deviationPercent: 50, pendingExecutions: 1, subjectTemplate: '{indicator} is {current} (baseline {baseline})',
      query: "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd",
    });
    await call('POST', `/kpis/${kpi.id}/execute`);
    await monitored.insert(depositsBefore(Date.now(), 40));
    // The alert log is open when the breach is found: it arrives over the live feed, without a reload.
    await nav(page, 'Alerts');
    await heading(page, 'Alerts');
    await page.getByText('No alerts match.').waitFor();
    await call('POST', `/kpis/${kpi.id}/execute`);
    const alertRow = page.getByRole('row').filter({ hasText: 'Deposits per hour is 60 (baseline 20)' });
    await poll(() => alertRow.innerText()).toMatch(/Open[\s\S]*Deposits per hour[\s\S]*60[\s\S]*20[\s\S]*\+200%/);
    expect(await unlabelled(page)).toEqual([]);
    await shot('alerts-open');
    await page.getByRole('link', { name: 'Deposits per hour is 60 (baseline 20)' }).click();
    await heading(page, 'Deposits per hour is 60 (baseline 20)');
    await poll(() => page.getByRole('table', { name: /Notifications/ }).innerText()).toContain('ann@example.com');
    // The rule and the band it had when it opened, and why it fired, in words.
    const measured = page.getByLabel('Measured');
    expect(await measured.getByRole('term').allInnerTexts()).toEqual(['Value', 'Baseline', 'Deviation', 'Band at opening']);
    expect(await measured.getByRole('definition').allInnerTexts()).toEqual(['60', '20', '+200%', '10–30']);
    expect(await page.getByText('Rule when it opened:').innerText()).toBe('Rule when it opened: ±50% from the baseline');
    expect(await page.locator('ul.reasons').innerText()).toBe('deviation spike: +200% beyond ±50%');
    await page.getByLabel('Note').fill(NOTE);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await poll(() => page.locator('.lifecycle').innerText()).toContain(`Acknowledged`);
    await poll(() => page.locator('.lifecycle').innerText()).toContain(NOTE);
    await poll(() => page.locator('.page-head').innerText()).toContain('Acknowledged');
    expect(await unlabelled(page)).toEqual([]);
    await shot('alert-acknowledged');
    // The message's link opens this page.
    const link = /http:\S+#\/alerts\/alr_\w+/.exec(await page.locator('pre.body').innerText())?.[0];
    expect(link).toBe(page.url());
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await overflowing(page)).toEqual([]);
    await shot('alert-phone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A KPI edit by someone else meanwhile (through the API), then both changes in the audit trail.
    const current = await call<{ version: number }>('GET', `/kpis/${kpi.id}`);
    await call('PATCH', `/kpis/${kpi.id}`, { deviationPercent: 250 }, { 'if-match': String(current.version) });
    await nav(page, 'Audit trail');
    await heading(page, 'Audit trail');
    await page.getByLabel('Event types').fill('AlertAcknowledged');
    const results = page.locator('.audit-list > li');
    // The trail is a projection a moment behind the change: searching again picks it up.
    await poll(async () => {
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      return results.count();
    }, 1000).toBe(1);
    await poll(() => results.first().innerText()).toContain('AlertAcknowledged');
    await poll(() => results.first().innerText()).toContain(NOTE);
    await shot('audit-search-acknowledged');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(2); // the header and the one entry found
    expect(csv[1]).toContain(NOTE);
    await results.first().getByRole('link', { name: /^alert alr_/ }).click();
    await heading(page, 'History of alert “Deposits per hour is 60 (baseline 20)”');
    await poll(() => page.locator('.audit-list').innerText()).toMatch(/AlertAcknowledged[\s\S]*AlertOpened/);
    await shot('alert-timeline');

    await nav(page, 'Audit trail');
    await page.getByLabel('Changed field').fill('deviationPercent');
    await poll(async () => {
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      return results.count();
    }, 1000).toBe(2); // set when created, then changed
    await poll(() => results.first().getByRole('table').innerText()).toMatch(/deviationPercent\s+50\s+(changed to\s+)?250/);
    await shot('audit-search-field');
    await results.first().getByRole('link', { name: `kpi ${kpi.id}` }).click();
    await heading(page, 'History of KPI “Deposits per hour”');
    await poll(() => page.locator('.audit-list > li').first().innerText()).toMatch(/KpiUpdated[\s\S]*deviationPercent\s+50\s+(changed to\s+)?250/);
    await shot('kpi-timeline');

    await apiKeyShownOnceThenRevoked(browser, service.url);
    await userCreatedThenDisabled(browser, service.url);

    await deadLetterRetried(page);
    await resolvedInBulk(page);
    await nav(page, 'System');
    await heading(page, 'System');
    await poll(() => page.locator('.health-list').innerText()).toMatch(/up\s+auditTrail/);
    await poll(() => page.getByRole('table', { name: /Scheduler nodes/ }).innerText()).toContain('alive');
    await poll(() => page.getByRole('table', { name: /Executions per KPI/ }).innerText()).toMatch(/Deposits per hour\s+2\s+100%/);
    await shot('system');
    // On a phone: no page wider than the screen (wide tables scroll in their box), the nav scrolls sideways;
    // and every control has a name a screen reader can say.
    await page.setViewportSize({ width: 375, height: 812 });
    const phonePages = [['/alerts', 'Alerts'], ['/notifications', 'Deliveries'], ['/contacts', 'Contacts'], ['/datasources', 'Data sources'], ['/apikeys', 'API keys'], ['/users', 'Users'], ['/audit', 'Audit trail'], ['/system', 'System']] as const;
    for (const [path, title] of phonePages) {
      await page.goto(`${service.url}#${path}`);
      await heading(page, title);
      expect(await overflowing(page), path).toEqual([]);
      expect(await unlabelled(page), path).toEqual([]);
      await shot(`phone-${path.slice(1)}`);
    }
    // Chromium logs a failed request; the only ones are the four invalid forms sent on purpose above.
    expect(browser.errors).toEqual(Array(4).fill('console: Failed to load resource: the server responded with a status of 400 (Bad Request)'));
  }, 180_000);
});

/** The webhook refused the alert's message: a dead letter (no retries configured); Retry sends it again, and it arrives. */
async function deadLetterRetried(page: Page): Promise<void> {
  await nav(page, 'Alerts');
  await page.getByRole('link', { name: 'Deliveries and dead letters' }).click();
  await heading(page, 'Deliveries');
  const dead = page.getByRole('row').filter({ hasText: 'webhook' });
  await poll(() => dead.innerText()).toMatch(/opened\s+webhook\s+webhook\s+dead\s+1[\s\S]*500/);
  await browser.shot('dead-letters');
  await dead.getByRole('button', { name: 'Retry webhook to webhook' }).click();
  await poll(() => page.getByText('Sending again to webhook.').count()).toBe(1);
  await page.getByLabel('Status').selectOption({ label: 'All' });
  await poll(async () => {
    await page.reload();
    return page.getByRole('row').filter({ hasText: 'webhook' }).innerText();
  }, 1000).toMatch(/webhook\s+sent/);
  expect(hookCalls).toBe(2);
  await poll(() => page.getByRole('table').innerText()).toContain('ann@example.com');
  await browser.shot('deliveries');
}

/** Select the acknowledged alert in the log and resolve it with a note: it reads Resolved, the note is kept. */
async function resolvedInBulk(page: Page): Promise<void> {
  await nav(page, 'Alerts');
  const row = page.getByRole('row').filter({ hasText: 'Deposits per hour is 60 (baseline 20)' });
  await row.getByRole('checkbox').check();
  await page.getByLabel('Note for the selected alerts').fill('Campaign over');
  await page.getByRole('button', { name: 'Resolve 1 selected' }).click();
  await poll(() => page.getByText('1 resolved.').count()).toBe(1);
  await poll(() => row.innerText()).toContain('Resolved');
  const figures = page.locator('dl[aria-label="Alert figures"]');
  await poll(() => figures.innerText()).toMatch(/Open\s+0\s+Acknowledged\s+0\s+Resolved\s+1\s+Mean time to acknowledge\s+\d+ s\s+Mean time to resolve\s+\d+ s/);
  await row.getByRole('link', { name: 'Deposits per hour is 60 (baseline 20)' }).click();
  await poll(() => page.locator('.lifecycle').innerText()).toMatch(/Resolved .*\(manual\).*Campaign over/);
  await browser.shot('alert-resolved');
}
