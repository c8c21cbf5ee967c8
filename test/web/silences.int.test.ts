import { describe, expect, it } from 'vitest';
import { storeKind } from '../helpers/store.ts';
import { apiClient } from './helpers/dashboard-build.ts';
import { seedSteadyDeposits } from './helpers/deposits.ts';
import { heading, poll, signInAsAdmin, unlabelled } from './helpers/page.ts';
import { useBrowserSuite } from './helpers/browser-suite.ts';

/**
 * Silencing from an alert's page in Debian's Chromium against the real service process: "silence for
 * 1 h" (a comment is required: the API's field error first), the page says it is silenced, the silences
 * page lists it, "End silence" ends it; "until tomorrow 09:00" ends at 09:00 of the next day.
 */
const ADMIN_PASSWORD = 'silences-test-password';

describe.runIf(storeKind() === 'postgres')('silences in a browser', () => {
  const suite = useBrowserSuite('silences', { adminPassword: ADMIN_PASSWORD, seed: seedSteadyDeposits });

  it('silence an alert for an hour from its page, see it on the silences page, end it; silence until tomorrow 09:00', async () => {
    const { page, shot } = suite.browser;
    const call = await apiClient(suite.service.url, 'admin', ADMIN_PASSWORD);
    const ds = await call<{ id: string }>('POST', '/datasources', { name: 'Shop replica', ...suite.monitored.dataSource });
    const contact = await call<{ id: string }>('POST', '/contacts', { name: 'Ann on call', email: 'ann@example.com' });
    // 20 deposits an hour against a minimum of 1,000: one run breaches and opens the alert.
    const kpi = await call<{ id: string }>('POST', '/kpis', {
      indicator: 'Deposits per hour', owner: 'payments', dataSourceId: ds.id, contactIds: [contact.id], frequencyMinutes: 1440, lastMinutes: 60,
      sensitivity: null, deviationPercent: null, minThreshold: 1000, pendingExecutions: 1,
      query: "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd",
    });
    await call('POST', `/kpis/${kpi.id}/execute`);
    const alerts = await call<{ items: { id: string }[] }>('GET', `/alerts?kpiId=${kpi.id}`);
    expect(alerts.items).toHaveLength(1);
    const alertId = alerts.items[0]!.id;

    await signInAsAdmin(page, suite.service.url, ADMIN_PASSWORD);
    await page.goto(`${suite.service.url}#/alerts/${alertId}`);
    const silenceForm = page.getByRole('form', { name: 'Silence' });
    await silenceForm.waitFor();
    expect(await unlabelled(page)).toEqual([]);

    // Without a reason the API refuses, and says so next to the field.
    await silenceForm.getByRole('button', { name: 'Silence for 1 h' }).click();
    const why = silenceForm.getByLabel('Why silence it');
    await poll(() => why.getAttribute('aria-invalid')).toBe('true');
    await why.fill('Known: the campaign ended');
    const before = Date.now();
    await silenceForm.getByRole('button', { name: 'Silence for 1 h' }).click();
    const silenced = page.getByRole('group', { name: 'Silence' });
    await poll(() => silenced.innerText()).toMatch(/^Silenced until .* by sil_\w+: nobody is notified until then\./);
    await shot('alert-silenced');
    const alert = await call<{ silenceId: string; silencedUntil: string }>('GET', `/alerts/${alertId}`);
    expect(alert.silenceId).toMatch(/^sil_/);
    const endsIn = Date.parse(alert.silencedUntil) - before;
    expect(endsIn).toBeGreaterThan(59 * 60_000);
    expect(endsIn).toBeLessThan(61 * 60_000);

    // The silences page lists it with who made it and why.
    await silenced.getByRole('link', { name: alert.silenceId }).click();
    await heading(page, 'Silences');
    const row = page.getByRole('row').filter({ hasText: 'Known: the campaign ended' });
    await poll(() => row.innerText()).toMatch(/^KPI Deposits per hour alerts\t.*\tSilenced\tadmin\tKnown: the campaign ended\tEnd$/);
    await shot('silences');
    await page.goBack();
    await page.getByRole('button', { name: 'End silence' }).click();
    await silenceForm.waitFor();
    expect(await call('GET', `/silences/${alert.silenceId}`)).toMatchObject({ state: 'ended', inForce: false });
    expect(await call('GET', `/alerts/${alertId}`)).toMatchObject({ silenceId: null });

    // Until tomorrow 09:00 in the browser's time zone.
    await why.fill('Look at it in the morning');
    await silenceForm.getByRole('button', { name: 'Silence until tomorrow 09:00' }).click();
    await silenced.waitFor();
    const tomorrow = await call<{ silencedUntil: string }>('GET', `/alerts/${alertId}`);
    const nine = await page.evaluate(() => { const n = new Date(); return new Date(n.getFullYear(), n.getMonth(), n.getDate() + 1, 9).toISOString(); });
    expect(tomorrow.silencedUntil).toBe(nine);
    await page.goto(`${suite.service.url}#/silences?state=ended`);
    await poll(() => page.getByRole('row').filter({ hasText: 'Known: the campaign ended' }).innerText()).toContain('Ended');
    await suite.browser.settled();
    expect(suite.browser.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  }, 120_000);
});
