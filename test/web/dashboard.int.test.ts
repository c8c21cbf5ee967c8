import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { depositsBefore, seedSteadyDeposits } from './helpers/deposits.ts';
import { storeKind } from '../helpers/store.ts';
import { apiClient } from './helpers/dashboard-build.ts';
import { heading, lowContrast, overflowing, poll, unlabelled } from './helpers/page.ts';
import { useBrowserSuite } from './helpers/browser-suite.ts';

/**
 * The dashboard as a newcomer meets it: the built web app served by the real service process, driven
 * in Debian's Chromium. Screenshots of every page go to the folder printed at the start.
 * PostgreSQL project only: the service runs on its own database either way.
 */
const ADMIN_PASSWORD = 'dashboard-test-password';

describe.runIf(storeKind() === 'postgres')('the dashboard in a browser', () => {
  const suite = useBrowserSuite('dashboard', { adminPassword: ADMIN_PASSWORD, seed: seedSteadyDeposits });

  it('log in, create a KPI, test and run it, see value and baseline, then see an alert open on a breach', async () => {
    const { page, shot } = suite.browser;
    await page.goto(suite.service.url);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The keyboard starts in the username field (the page's own focus move must not take it away).
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('username');
    await shot('login');
    await page.getByLabel('Username', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'KPIs' }).waitFor();
    await shot('grid-empty');

    // The data-source page (with its connection test) and the contact page are driven by admin-pages.int.test.ts.
    const call = await apiClient(suite.service.url, 'admin', ADMIN_PASSWORD);
    const ds = await call('POST', '/datasources', { name: 'Shop replica', ...suite.monitored.dataSource });
    await call('POST', '/contacts', { name: 'Ann on call', email: 'ann@example.com' });
    expect(ds.id).toMatch(/^dsn_/);

    await page.getByRole('link', { name: 'New KPI' }).click();
    await page.getByRole('heading', { name: 'New KPI' }).waitFor();
    await page.getByLabel('Indicator (unique name)').fill('Deposits per hour');
    await page.getByLabel('Owner').fill('payments');
    await page.getByLabel('Ann on call').check();
    await page.getByLabel('Data source').selectOption({ label: 'Shop replica' });
    await page.getByLabel('Query', { exact: true }).fill("SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd");
    await page.getByLabel('Every (minutes)').fill('1440');
    await page.getByLabel('Data window (minutes)').fill('60');
    // A new KPI starts with the API's rule: the adaptive band at medium sensitivity, no percentage, median.
    expect(await page.getByLabel('Sensitivity').inputValue()).toBe('medium');
    expect(await page.getByLabel('Accepted deviation (%)').inputValue()).toBe('');
    expect(await page.getByLabel('Baseline aggregate').inputValue()).toBe('median');
    // The API's validation errors appear next to their fields (and are read with them): a template's
    // unknown placeholder, and a KPI left with no rule at all (no band, no percentage, no threshold).
    await page.getByLabel('Sensitivity').selectOption({ label: 'No band' });
    await page.getByLabel('Subject template').fill('{indicator} is {nope}');
    await page.getByRole('button', { name: 'Test' }).click();
    const errorOf = async (label: string) => {
      const described = await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby');
      return page.locator(`[id="${described!.split(' ').at(-1)}"]`).innerText();
    };
    await expect.poll(() => page.getByLabel('Subject template').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => errorOf('Subject template')).toMatch(/nope/);
    await expect.poll(() => page.getByLabel('Sensitivity').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => errorOf('Sensitivity')).toMatch(/needs at least one rule/);
    await shot('editor-field-error');
    // The old fixed rule, chosen explicitly: ±50 % without the band, one breaching run opens, one normal run resolves.
    await page.getByLabel('Accepted deviation (%)').fill('50');
    await page.getByLabel('Breaching runs before an alert opens').fill('1');
    await page.getByLabel('Normal runs before it resolves').fill('1');
    await page.getByLabel('Subject template').fill('{indicator} is {current} (baseline {baseline})');
    await page.getByRole('button', { name: 'Test' }).click();
    const test = page.getByRole('region', { name: 'Test (nothing saved)' });
    await test.waitFor();
    // Value, baseline, deviation, then the band the rule accepted and what the baseline stood on.
    await expect.poll(() => test.locator('tbody tr').first().innerText()).toMatch(/20\s+20\s+0%\s+10–30\s+from the same time in 4 past weeks/);
    await expect.poll(() => test.locator('.subject').innerText()).toBe('Deposits per hour is 20 (baseline 20)');
    await shot('editor-tested');

    await page.getByRole('button', { name: 'Create KPI' }).click();
    await page.getByRole('heading', { name: 'Deposits per hour' }).waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    const run = page.getByRole('region', { name: 'Run recorded' });
    await run.waitFor();
    await expect.poll(() => run.locator('tbody tr').first().innerText()).toMatch(/20\s+20/);
    await poll(() => page.locator('p.muted').first().innerText()).toContain('rule: ±50% from the baseline ·');
    const latest = page.getByRole('definition').filter({ hasText: /^20$/ });
    await expect.poll(() => latest.count()).toBe(2); // last value and baseline in the figures
    await shot('kpi-ok');

    // An expired access token: the page's parallel requests all get 401, share ONE refresh (a refresh
    // token works once; using it twice would end the session) and retry with the rotated pair.
    const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('monitoring-grid.credentials') ?? 'null'));
    const before = await stored();
    await page.evaluate(() => {
      const c = JSON.parse(localStorage.getItem('monitoring-grid.credentials')!);
      localStorage.setItem('monitoring-grid.credentials', JSON.stringify({ ...c, accessToken: 'expired.token.value' }));
    });
    await page.reload();
    await expect.poll(() => run.count()).toBe(0); // a fresh page
    await expect.poll(() => latest.count(), { timeout: 10_000 }).toBe(2);
    const after = await stored();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe('expired.token.value');
    await page.getByRole('button', { name: 'Run now' }).click();
    await run.waitFor();
    // A reload that fails (the service restarting) keeps the page and says so above it.
    const kpiUrl = /\/api\/v1\/kpis\/kpi_[^/?]+$/;
    await page.route(kpiUrl, (r) => r.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","detail":"restarting"}' }));
    await page.getByRole('button', { name: 'Run now' }).click();
    await poll(() => page.getByRole('alert').first().innerText()).toContain('restarting');
    expect(await page.getByRole('heading', { name: 'Deposits per hour', level: 1 }).count()).toBe(1);
    await page.unroute(kpiUrl);

    // The data breaches: 40 more deposits this hour (60 against a baseline of 20, +200%).
    await suite.monitored.insert(depositsBefore(Date.now(), 40));
    await page.getByRole('button', { name: 'Run now' }).click();
    await expect.poll(() => run.locator('tbody tr').first().innerText()).toMatch(/60\s+20\s+\+200%\s+10–30[\s\S]*deviation spike: \+200% beyond ±50%/);
    const alerts = page.locator('h2:text("Alerts") + table, h2:text("Alerts") + .table-wrap');
    await expect.poll(() => alerts.innerText(), { timeout: 10_000 }).toMatch(/Open/);
    await expect.poll(() => alerts.innerText()).toContain('Deposits per hour is 60 (baseline 20)');
    await shot('kpi-alert-open');

    await page.getByRole('link', { name: 'Grid', exact: true }).click();
    const tile = page.getByRole('list', { name: 'KPIs' }).getByRole('listitem').filter({ hasText: 'Deposits per hour' });
    await expect.poll(() => tile.innerText()).toMatch(/Alerting[\s\S]*60[\s\S]*20[\s\S]*\+200%/);
    await shot('grid-alerting');

    await page.getByRole('link', { name: 'Deposits per hour' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Accepted deviation (%)').fill('250');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Deposits per hour' }).waitFor();
    await expect.poll(() => page.locator('.audit-list').innerText(), { timeout: 10_000 }).toMatch(/deviationPercent\s+50\s+changed to\s+250/);
    // The chart draws the band each run was judged against (20 ± 50 %), not one from today's ±250 %.
    await poll(() => page.locator('p.muted').first().innerText()).toContain('rule: ±250% from the baseline ·');
    await poll(() => chartLegendAt(page, 'newest')).toMatch(/Value 60 · Baseline 20 · Band low 10 · Band high 30$/);
    await shot('kpi-audit-diff');
    // Acknowledging the alert on its page and finding the change in the audit trail search: admin-pages.int.test.ts.

    // Live: with the grid open, the data recovers and a run made elsewhere resolves the alert; the tile follows.
    const kpiId = decodeURIComponent(/#\/kpis\/([^/?]+)/.exec(page.url())![1]!);
    await page.getByRole('link', { name: 'Grid', exact: true }).click();
    await expect.poll(() => tile.innerText()).toMatch(/Alerting/);
    await suite.monitored.query("DELETE FROM account_transactions WHERE id IN (SELECT id FROM account_transactions ORDER BY id DESC LIMIT 40)");
    await call('POST', `/kpis/${kpiId}/execute`);
    await expect.poll(() => tile.innerText(), { timeout: 10_000 }).toMatch(/OK[\s\S]*20[\s\S]*20[\s\S]*0%/);
    await shot('grid-resolved-live');
    // That run was judged under ±250 % (20 ± 50: −30 to 70); the older runs keep the band they had.
    await tile.getByRole('link', { name: 'Deposits per hour' }).click();
    await heading(page, 'Deposits per hour');
    await poll(() => page.locator('h2:text("Executions") + .table-wrap tbody tr').first().innerText()).toMatch(/20\s+20\s+0%\s+-30–70\s/);
    await poll(() => chartLegendAt(page, 'newest')).toMatch(/Value 20 · Baseline 20 · Band low -30 · Band high 70$/);
    await poll(() => chartLegendAt(page, 'oldest')).toMatch(/Value 20 · Baseline 20 · Band low 10 · Band high 30$/);
    await shot('kpi-recorded-band');

    // On a phone: no page wider than the screen, every control named.
    await page.setViewportSize({ width: 390, height: 844 });
    const phonePages = [['grid', '/', 'KPIs'], ['kpi', `/kpis/${kpiId}`, 'Deposits per hour'], ['kpi-edit', `/kpis/${kpiId}/edit`, 'Edit Deposits per hour'], ['kpi-new', '/kpis/new', 'New KPI']] as const;
    for (const [name, hash, title] of phonePages) {
      await page.goto(`${suite.service.url}#${hash}`);
      await heading(page, title);
      expect(await overflowing(page), hash).toEqual([]);
      expect(await unlabelled(page), hash).toEqual([]);
      await shot(`phone-${name}`);
    }
    await page.goto(`${suite.service.url}#/`);
    // Every status word is readable on its colour, and the focus ring stands out, in both colour schemes.
    expect(await lowContrast(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await lowContrast(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });

    // A machine (a wall screen) signs in with an API key instead.
    const key = await call<{ key: string }>('POST', '/apikey', { name: 'wall screen', scopes: ['kpi:read', 'alerts:read', 'audit:read'] });
    // A second tab shares the sign-in; signing out in one signs out both.
    const other = await page.context().newPage();
    await other.goto(suite.service.url);
    await other.getByRole('heading', { name: 'KPIs' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await other.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 5_000 });
    await other.close();
    await page.getByLabel('With an API key').check();
    await page.getByLabel('API key', { exact: true }).fill(key.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => tile.innerText()).toContain('Deposits per hour');
    await expect.poll(() => page.getByText('Signed in as API key').count()).toBe(1);
    // A reader's pages ask for no administrator's list (a refused request is a PermissionDenied security
    // event): the KPI page with its history of changes, actors shown by id.
    await tile.getByRole('link', { name: 'Deposits per hour' }).click();
    await expect.poll(() => page.locator('.audit-list').innerText()).toContain('KpiUpdated');
    await suite.browser.settled();
    // The failed requests the browser reports are the deliberate validation error, the expired token's 401s
    // and the failed reloads (one or two: a live message may reload the KPI while the route is down).
    expect(suite.browser.errors.filter((e) => !/status of (401|503)/.test(e))).toEqual([expect.stringContaining('status of 400')]);
  }, 120_000);

  it('a viewer (no audit:read) gets the grid and the KPI page refreshed by polling, without a refused request', async () => {
    const { page } = suite.browser;
    const call = await apiClient(suite.service.url, 'admin', ADMIN_PASSWORD);
    await call('POST', '/users', { username: 'vera', role: 'viewer', password: 'vera-correct-horse' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${suite.service.url}#/`);
    const refused: string[] = [];
    page.on('response', (r) => { if (r.status() === 403) refused.push(r.url()); });
    await page.getByLabel('Username', { exact: true }).fill('vera');
    await page.getByLabel('Password', { exact: true }).fill('vera-correct-horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading(page, 'KPIs');
    await poll(() => page.locator('.live-state').innerText()).toContain('off (needs audit:read)');
    // The nav offers only pages a viewer may read (an administrator's nav is the admin pages test's).
    await poll(() => page.getByRole('navigation', { name: 'Main' }).innerText()).toMatch(/^Grid\s+Alerts\s+Contacts\s+Data sources\s+Channels\s+Teams\s+Routes\s+Escalation chains\s+System$/);
    await page.getByRole('link', { name: 'Deposits per hour' }).click();
    await heading(page, 'Deposits per hour');
    await poll(() => page.getByText('Reading the history needs the audit:read scope.').count()).toBe(1);
    // The contacts page offers no history link (the audit trail is not a viewer's to read).
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await poll(() => page.getByRole('row').filter({ hasText: 'Ann on call' }).innerText()).toContain('ann@example.com');
    expect(await page.getByRole('link', { name: /^History/ }).count()).toBe(0);
    // The routing pages read only what a viewer may read (routing:read, channels:read, kpi:read).
    await page.getByRole('link', { name: 'Routes', exact: true }).click();
    await heading(page, 'Routes');
    await poll(() => page.getByText('No routes yet: every alert takes the default route.').count()).toBe(1);
    // Longer than the live feed's 3 s retry: each refusal would be a PermissionDenied security event.
    await page.waitForTimeout(3500);
    await suite.browser.settled();
    expect(refused).toEqual([]);
  }, 60_000);
});

/**
 * The chart's legend with the pointer over its newest or oldest run (the legend shows the values of the
 * run under the pointer). Moved from outside each time: a live reload redraws the chart and its cursor.
 */
async function chartLegendAt(page: Page, run: 'newest' | 'oldest'): Promise<string> {
  const plot = page.locator('.chart .u-over');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x - 20, box.y - 20);
  await page.mouse.move(run === 'newest' ? box.x + box.width - 1 : box.x + 1, box.y + box.height / 2);
  const rows = await page.locator('.chart .u-legend .u-series').evaluateAll((els) =>
    els.map((el) => `${el.querySelector('.u-label')?.textContent} ${el.querySelector('.u-value')?.textContent}`));
  return rows.join(' · ');
}
