import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagerdutyContract } from '../channels/contracts.ts';
import { startProvider, type ProviderReceiver } from '../channels/provider-receiver.ts';
import { createPostgresSource, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';
import { depositsBefore, seedSteadyDeposits } from './helpers/deposits.ts';
import { openBrowser, type Browser } from './browser.ts';
import { apiClient, buildDashboard, freePort } from './helpers/dashboard-build.ts';
import { heading, nav, poll, signInAsAdmin, unlabelled } from './helpers/page.ts';
import { startServiceProcess, type ServiceProcess } from './service-process.ts';

/**
 * The Channels page in Debian's Chromium against the real service process: a PagerDuty channel added
 * through its form (the API's field error first), its test message sent to a local PagerDuty receiver
 * that checks the Events API v2 request, the key never shown again, the configured webhook read-only;
 * then a real alert of a KPI triggers, acknowledges and resolves the PagerDuty incident through the
 * service's worker, and the alert page names the channel in its deliveries.
 */
const ADMIN_PASSWORD = 'channels-page-test-password';
const ROUTING_KEY = 'pagerduty-routing-key-from-the-browser-01';

let store: TestStore;
let service: ServiceProcess;
let browser: Browser;
let webDir: string;
let pd: ProviderReceiver;
let hook: ProviderReceiver;
let monitored: MonitoredDb;

describe.runIf(storeKind() === 'postgres')('the Channels page in a browser', () => {
  beforeAll(async () => {
    webDir = await buildDashboard();
    store = await createTestStore('postgres', { migrate: false });
    monitored = await createPostgresSource();
    await seedSteadyDeposits(monitored);
    pd = await startProvider(pagerdutyContract(ROUTING_KEY));
    hook = await startProvider({ check: () => [], success: () => ({ status: 204 }) });
    const port = await freePort();
    service = await startServiceProcess({
      PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATABASE_URL: store.url!, DEMO: 'false', ADMIN_PASSWORD, WEB_DIR: webDir,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'mg-channels-page-')), WEBHOOK_URL: `${hook.url}/configured`,
    });
    browser = await openBrowser();
    console.log(`channels page screenshots: ${browser.screenshots}`);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await pd?.close();
    await hook?.close();
    await monitored?.close();
    await store?.close();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  it('adds a PagerDuty channel, sends its test message, never shows the key again; the configured webhook is read-only', async () => {
    const { page, shot } = browser;
    page.on('dialog', (d) => void d.accept());
    await signInAsAdmin(page, service.url, ADMIN_PASSWORD);

    await nav(page, 'Channels');
    await heading(page, 'Channels');
    const configured = page.getByRole('row').filter({ hasText: 'webhook' });
    await poll(() => configured.innerText()).toContain('Set by environment variables');

    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Name', { exact: true }).fill('Payments on-call');
    await form.getByLabel('Kind').selectOption('pagerduty');
    await form.getByLabel('Integration key').fill(ROUTING_KEY);
    await form.getByLabel('Endpoint (optional)').fill('not a url');
    await form.getByRole('button', { name: 'Save channel' }).click();
    // The API's validation, next to its field.
    const endpoint = form.getByLabel('Endpoint (optional)');
    await poll(() => endpoint.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${(await endpoint.getAttribute('aria-describedby'))!.split(' ').at(-1)}`).innerText()).toBe('must be an http:// or https:// URL');
    expect(await unlabelled(page)).toEqual([]);
    await shot('channel-invalid');
    await endpoint.fill(`${pd.url}/v2/enqueue`);
    await form.getByRole('button', { name: 'Save channel' }).click();

    const row = page.getByRole('row').filter({ hasText: 'Payments on-call' });
    await poll(() => row.innerText()).toContain('PagerDuty');
    await page.getByRole('button', { name: 'Send a test message to Payments on-call' }).click();
    await poll(() => row.innerText()).toContain('Test message sent');
    await shot('channel-tested');
    expect(pd.violations).toEqual([]);
    expect(pd.received.map((r) => (r.json as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
    expect(pd.received[0]!.json).toMatchObject({ routing_key: ROUTING_KEY, payload: { summary: 'MonitoringGrid test message for Payments on-call' } });

    // Editing shows that the key is set, not what it is.
    await page.getByRole('button', { name: 'Edit Payments on-call' }).click();
    const edit = page.getByRole('form', { name: 'Edit Payments on-call' });
    await poll(() => edit.innerText()).toContain('Set; leave empty to keep it');
    expect(await edit.getByLabel('Integration key').inputValue()).toBe('');
    expect(await page.content()).not.toContain(ROUTING_KEY);
    // Renamed with the key left empty: the key is kept, and the next test uses it.
    await edit.getByLabel('Name', { exact: true }).fill('Payments on-call EU');
    await edit.getByRole('button', { name: 'Save channel' }).click();
    const renamed = page.getByRole('row').filter({ hasText: 'Payments on-call EU' });
    await poll(() => renamed.count()).toBe(1);
    await page.getByRole('button', { name: 'Send a test message to Payments on-call EU' }).click();
    await poll(() => pd.received.length).toBe(4); // (the row still shows the first test's result meanwhile)
    expect(pd.received.slice(2).map((r) => (r.json as { routing_key: string }).routing_key)).toEqual([ROUTING_KEY, ROUTING_KEY]);

    // A real alert of a KPI of the payments owner, through the service's worker: PagerDuty is triggered,
    // acknowledged and resolved under the alert's id, and the alert page names the channel.
    const call = await apiClient(service.url, 'admin', ADMIN_PASSWORD);
    const source = await call('POST', '/datasources', { name: 'Shop replica', ...(monitored.dataSource as object) });
    const kpi = await call('POST', '/kpis', {
      indicator: 'Deposits per hour', owner: 'payments', dataSourceId: source.id, contactIds: [], frequencyMinutes: 1440, lastMinutes: 60,
      sensitivity: null, deviationPercent: 50, pendingExecutions: 1,
      query: "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd",
    });
    await call('POST', `/kpis/${kpi.id}/execute`);
    await monitored.insert(depositsBefore(Date.now(), 40));
    await call('POST', `/kpis/${kpi.id}/execute`);
    const [alert] = (await call<{ items: { id: string }[] }>('GET', '/alerts?status=open')).items;
    await poll(() => pd.received.length).toBe(5);
    await call('POST', `/alerts/${alert!.id}/acknowledge`, { note: 'on it' });
    await poll(() => pd.received.length).toBe(6);
    await call('POST', `/alerts/${alert!.id}/resolve`, { note: 'campaign' });
    await poll(() => pd.received.length).toBe(7);
    expect(pd.received.slice(4).map((r) => r.json as { event_action: string; dedup_key: string }).map((e) => `${e.event_action}:${e.dedup_key}`))
      .toEqual([`trigger:${alert!.id}`, `acknowledge:${alert!.id}`, `resolve:${alert!.id}`]);
    expect(pd.violations).toEqual([]);
    await page.goto(`${service.url}#/alerts/${alert!.id}`);
    const deliveries = page.getByRole('table', { name: /Notifications/ });
    await poll(() => deliveries.innerText()).toMatch(/opened\s+pagerduty\s+Payments on-call EU\s+sent/);
    await shot('alert-delivered-to-pagerduty');
    await nav(page, 'Channels');
    await heading(page, 'Channels');

    // The configured webhook's test reaches its receiver too.
    await page.getByRole('button', { name: 'Send a test message to webhook' }).click();
    await poll(() => configured.innerText()).toContain('Test message sent');
    expect(hook.received.at(-1)!.path).toBe('/configured');

    // Deleted through the page: gone from the API as well.
    await page.getByRole('button', { name: 'Delete Payments on-call EU' }).click();
    await poll(() => page.getByRole('row').filter({ hasText: 'Payments on-call' }).count()).toBe(0);
    const list = await call<{ items: { name: string }[] }>('GET', '/channels');
    expect(list.items.map((c) => c.name)).toEqual(['webhook']);
    // The one refused save (the endpoint) is the only error the page met.
    expect(browser.errors).toEqual(['console: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
  });
});
