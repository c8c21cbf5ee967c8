import { describe, expect, it } from 'vitest';
import type { MonitoredDb } from '../helpers/monitored.ts';
import { storeKind } from '../helpers/store.ts';
import { apiClient } from './helpers/dashboard-build.ts';
import { heading, overflowing, poll, signInAsAdmin, unlabelled } from './helpers/page.ts';
import { useBrowserSuite } from './helpers/browser-suite.ts';

/**
 * The backtest in the dashboard: the KPI editor's Test replays the last days of an edited rule beside
 * the saved one (chart of value, band and would-be alerts, and the counts), and the count changes with
 * the rule; the KPI page backtests the saved KPI. Real service process, real PostgreSQL source, Chromium.
 */
const ADMIN_PASSWORD = 'backtest-test-password';
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** Five weeks of orders per minute up to now, a daily rhythm, and one outage yesterday (two hours at a fifth). */
async function seedOrders(m: MonitoredDb): Promise<void> {
  const end = Math.floor(Date.now() / MINUTE) * MINUTE;
  const outage = { from: end - DAY - 6 * 60 * MINUTE, until: end - DAY - 4 * 60 * MINUTE };
  const ats = Array.from({ length: 35 * 1440 }, (_, i) => end - i * MINUTE);
  const n = (t: number) => {
    const hour = (t % DAY) / (60 * MINUTE);
    const v = 40 + 25 * Math.sin((2 * Math.PI * (hour - 6)) / 24) + (((t / MINUTE) * 7919) % 13) - 6;
    return Math.round(t >= outage.from && t < outage.until ? v * 0.2 : v);
  };
  await m.query('CREATE TABLE orders (at timestamptz PRIMARY KEY, n integer NOT NULL)');
  await m.query('INSERT INTO orders SELECT * FROM unnest($1::timestamptz[], $2::int[])', [ats.map((a) => new Date(a).toISOString()), ats.map(n)]);
  await m.query(`GRANT SELECT ON orders TO ${m.user}`);
}

describe.runIf(storeKind() === 'postgres')('the backtest in a browser', () => {
  const suite = useBrowserSuite('backtest-web', { adminPassword: ADMIN_PASSWORD, seed: seedOrders });

  it('edits a rule and sees the chart and the count of would-be alerts change beside the saved rule, then backtests from the KPI page', async () => {
    const { page, shot } = suite.browser;
    const call = await apiClient(suite.service.url, 'admin', ADMIN_PASSWORD);
    const ds = await call('POST', '/datasources', { name: 'Shop replica', ...suite.monitored.dataSource });
    const contact = await call('POST', '/contacts', { name: 'Ann on call', email: 'ann@example.com' });
    // Inactive: the scheduler leaves it alone, so every window of the backtest is run on the source.
    const kpi = await call('POST', '/kpis', {
      indicator: 'Orders per hour', owner: 'shop', dataSourceId: ds.id, frequencyMinutes: 60, contactIds: [contact.id], active: false,
      query: 'SELECT coalesce(sum(n), 0) AS value FROM orders WHERE at > :windowStart AND at <= :windowEnd',
    });

    await signInAsAdmin(page, suite.service.url, ADMIN_PASSWORD);
    await page.goto(`${suite.service.url}#/kpis/${kpi.id}/edit`);
    await heading(page, 'Edit Orders per hour');
    await page.getByLabel('Replay the last (days)').fill('7');
    await page.getByRole('button', { name: 'Test' }).click();

    const backtest = page.getByRole('region', { name: 'Backtest' });
    const sentence = backtest.locator('.backtest-sentence');
    await poll(() => sentence.count()).toBe(1);
    // The saved rule, unchanged: exactly the outage, one alert, one message when it opens and one when it resolves.
    expect(await sentence.innerText()).toBe('This rule would have opened 1 alert and sent 2 messages in the last 7 days.');
    expect(await backtest.locator('.backtest-current').innerText()).toBe('The current rule would have opened 1 alert and sent 2 messages in the last 7 days.');
    expect(await backtest.getByTestId('backtest-edited').locator('canvas').count()).toBeGreaterThan(0);
    expect(await backtest.getByTestId('backtest-current').locator('canvas').count()).toBeGreaterThan(0);
    await poll(() => backtest.locator('p.muted.small').first().innerText()).toMatch(/^168 windows: 168 run on the source \(\d+ source queries\)/);
    expect(await backtest.getByRole('table', { name: 'Alerts this rule would have opened' }).locator('tbody tr').count()).toBe(1);
    await shot('backtest-saved-rule');

    // A minimum the quiet night hours fall under: every night would page.
    await page.getByLabel('Minimum threshold').fill('1500');
    await page.getByRole('button', { name: 'Test' }).click();
    await poll(() => sentence.innerText()).not.toBe('This rule would have opened 1 alert and sent 2 messages in the last 7 days.');
    const opened = Number(/opened (\d+) alerts?/.exec(await sentence.innerText())![1]);
    expect(opened).toBeGreaterThanOrEqual(6);
    expect(await backtest.locator('.backtest-current').innerText()).toBe('The current rule would have opened 1 alert and sent 2 messages in the last 7 days.');
    expect(await backtest.getByTestId('backtest-edited').locator('.backtest-count').innerText()).toMatch(new RegExp(`^${opened} alerts · \\d+ messages`));
    expect(await backtest.getByTestId('backtest-current').locator('.backtest-count').innerText()).toMatch(/^1 alert · 2 messages/);
    expect(await backtest.getByRole('table', { name: 'Alerts this rule would have opened' }).locator('tbody tr').count()).toBe(opened);
    await shot('backtest-edited-rule');
    // Nothing was saved: the KPI keeps its rule.
    expect((await call<{ minThreshold: number | null }>('GET', `/kpis/${kpi.id}`)).minThreshold).toBeNull();

    await page.goto(`${suite.service.url}#/kpis/${kpi.id}`);
    await heading(page, 'Orders per hour');
    await page.getByLabel('Days to replay').fill('7');
    await page.getByLabel('Sensitivity to try').selectOption({ label: 'High' });
    await page.getByRole('button', { name: 'Replay the past' }).click();
    await poll(() => backtest.locator('.backtest-current').count()).toBe(1);
    expect(await backtest.locator('.backtest-current').innerText()).toBe('The current rule would have opened 1 alert and sent 2 messages in the last 7 days.');
    expect(await sentence.innerText()).toMatch(/^This rule would have opened \d+ alerts? and sent \d+ messages? in the last 7 days\.$/);
    await shot('kpi-page-backtest');
    expect(await unlabelled(page)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await suite.browser.settled();
    expect(suite.browser.errors).toEqual([]);
  }, 240_000);
});
