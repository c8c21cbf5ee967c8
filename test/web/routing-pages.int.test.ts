import { describe, expect, it } from 'vitest';
import type { AlertRoute, DefaultRoute, EscalationChain, Team } from '../../web/src/api/admin-types.ts';
import type { Kpi } from '../../web/src/api/types.ts';
import { storeKind } from '../helpers/store.ts';
import { useBrowserSuite } from './helpers/browser-suite.ts';
import { apiClient } from './helpers/dashboard-build.ts';
import { seedSteadyDeposits } from './helpers/deposits.ts';
import { heading, nav, overflowing, poll, signInAsAdmin, unlabelled } from './helpers/page.ts';

/**
 * The routing pages in Debian's Chromium against the real service process (issue 19): a team, an
 * escalation chain (two steps) and a route that uses both, each built through its page; the route is
 * listed, "where would it go" names the team and the chain, and the API holds what was saved. Then a
 * label given in the KPI editor is shown on the KPI page and decides a route; routes are reordered.
 */
const ADMIN_PASSWORD = 'routing-pages-test-password';

describe.runIf(storeKind() === 'postgres')('the routing pages in a browser', () => {
  const suite = useBrowserSuite('routing-pages', { adminPassword: ADMIN_PASSWORD, seed: seedSteadyDeposits });

  it('builds a team, a two-step escalation chain and a route using both; the route test names the team and the API agrees', async () => {
    const { page, shot } = suite.browser;
    page.on('dialog', (d) => void d.accept());
    const call = await apiClient(suite.service.url, 'admin', ADMIN_PASSWORD);
    const ds = await call('POST', '/datasources', { name: 'Shop replica', ...(suite.monitored.dataSource as object) });
    const ann = await call('POST', '/contacts', { name: 'Ann on call', email: 'ann@example.com', phone: '+4915112345678' });
    const kpi = await call<Kpi>('POST', '/kpis', {
      indicator: 'Deposits per hour', owner: 'payments', dataSourceId: ds.id, contactIds: [], frequencyMinutes: 1440, lastMinutes: 60,
      sensitivity: null, deviationPercent: 50,
      query: "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd",
    });
    await signInAsAdmin(page, suite.service.url, ADMIN_PASSWORD);

    // A team: its name is required by the API's rule, Ann is its member.
    await nav(page, 'Teams');
    await heading(page, 'Teams');
    await page.getByRole('button', { name: 'New team' }).click();
    const teamForm = page.getByRole('form', { name: 'New team' });
    await teamForm.getByLabel('Name').fill('Payments on-call');
    await teamForm.getByLabel('Description (optional)').fill('Deposits and payouts');
    await teamForm.getByRole('group', { name: 'Members' }).getByLabel('Ann on call').check();
    expect(await unlabelled(page)).toEqual([]);
    await teamForm.getByRole('button', { name: 'Save team' }).click();
    const teamRow = page.getByRole('row').filter({ hasText: 'Payments on-call' });
    await poll(() => teamRow.innerText()).toMatch(/Payments on-call\s+Deposits and payouts\s+Ann on call/);
    await shot('teams');

    // A chain: the team by email at once, by SMS after 10 minutes. A second step not after the first is refused at its field.
    await nav(page, 'Escalation chains');
    await heading(page, 'Escalation chains');
    await page.getByRole('button', { name: 'New escalation chain' }).click();
    const chainForm = page.getByRole('form', { name: 'New escalation chain' });
    await chainForm.getByLabel('Name', { exact: true }).fill('Payments escalation');
    const target = (step: number) => chainForm.getByRole('group', { name: `Step ${step} target 1` });
    await target(1).getByLabel('Team', { exact: true }).selectOption({ label: 'Payments on-call' });
    await target(1).getByLabel('Email').check();
    await chainForm.getByRole('button', { name: 'Add step' }).click();
    const secondDelay = chainForm.getByRole('group', { name: 'Step 2' }).getByLabel('After (minutes)');
    expect(await secondDelay.inputValue()).toBe('10');
    await secondDelay.fill('0');
    await target(2).getByLabel('Team', { exact: true }).selectOption({ label: 'Payments on-call' });
    await target(2).getByLabel('SMS').check();
    expect(await unlabelled(page)).toEqual([]);
    await chainForm.getByRole('button', { name: 'Save escalation chain' }).click();
    await poll(() => secondDelay.getAttribute('aria-invalid')).toBe('true');
    expect(await chainForm.locator('.field-error').innerText()).toBe('must be later than the step before (0 minutes)');
    await shot('chain-refused');
    await secondDelay.fill('10');
    await chainForm.getByRole('button', { name: 'Save escalation chain' }).click();
    const chainRow = page.getByRole('row').filter({ hasText: 'Payments escalation' });
    await poll(() => chainRow.innerText()).toContain('now: team Payments on-call by email; after 10 min: team Payments on-call by SMS');
    await shot('escalation-chains');

    // A route for the payments owner's critical and high alerts, to the team, with the chain.
    await nav(page, 'Routes');
    await heading(page, 'Routes');
    await page.getByRole('button', { name: 'New route' }).click();
    const routeForm = page.getByRole('form', { name: 'New route' });
    await routeForm.getByLabel('Name', { exact: true }).fill('Payments');
    await routeForm.getByLabel('KPI owners').fill('payments');
    await routeForm.getByRole('group', { name: 'Teams' }).getByLabel('Payments on-call').check();
    await routeForm.getByLabel('Escalation chain').selectOption({ label: 'Payments escalation' });
    expect(await unlabelled(page)).toEqual([]);
    await routeForm.getByRole('button', { name: 'Save route' }).click();
    const routeRow = page.getByRole('row').filter({ hasText: 'Payments escalation' });
    await poll(() => routeRow.innerText()).toMatch(/^1\tPayments\towner payments\tPayments on-call\t—\tPayments escalation\tstop/);

    // Where would an alert of the KPI go? To the team, with the chain; Ann through the team.
    const testForm = page.getByRole('form', { name: 'Where would an alert go' });
    await testForm.getByLabel('Alert of the KPI').selectOption({ label: 'Deposits per hour' });
    await testForm.getByRole('button', { name: 'Show where it goes' }).click();
    const result = testForm.getByRole('region', { name: 'Where it goes' });
    await poll(() => result.innerText()).toMatch(/Severity\s+\w+\s+Routes matched\s+Payments\s+Teams\s+Payments on-call\s+Escalation chain\s+Payments escalation/);
    expect(await result.getByRole('row').filter({ hasText: 'ann@example.com' }).innerText()).toContain('team Payments on-call');
    await shot('routes-tested');

    // The API holds what the pages saved.
    const [team] = (await call<{ items: Team[] }>('GET', '/teams')).items;
    expect(team).toMatchObject({ name: 'Payments on-call', description: 'Deposits and payouts', members: [ann.id], channels: [] });
    const [chain] = (await call<{ items: EscalationChain[] }>('GET', '/escalation-chains')).items;
    expect(chain!.steps).toEqual([
      { afterMinutes: 0, targets: [{ type: 'team', id: team!.id, kinds: ['email'] }] },
      { afterMinutes: 10, targets: [{ type: 'team', id: team!.id, kinds: ['sms'] }] },
    ]);
    const routes = (await call<{ items: AlertRoute[] }>('GET', '/routes')).items;
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ name: 'Payments', match: { owners: ['payments'] }, teams: [team!.id], channels: [], escalationChainId: chain!.id, continue: false });

    // A real alert of the payments owner takes the route: the chain is fixed on it, its first step goes out
    // at once, and acknowledging it (on its page) stops the chain before the second.
    const failing = await call<Kpi>('POST', '/kpis', {
      indicator: 'Payouts per hour', owner: 'payments', dataSourceId: ds.id, contactIds: [], frequencyMinutes: 1440, lastMinutes: 60,
      sensitivity: null, deviationPercent: null, minThreshold: 1000, pendingExecutions: 1,
      query: "SELECT count(*) AS value FROM account_transactions WHERE type = 'deposit' AND updated_at >= :windowStart AND updated_at < :windowEnd",
    });
    await call('POST', `/kpis/${failing.id}/execute`);
    const [alert] = (await call<{ items: { id: string }[] }>('GET', `/alerts?kpiId=${failing.id}`)).items;
    await page.goto(`${suite.service.url}#/alerts/${alert!.id}`);
    const lifecycle = page.locator('ul.lifecycle');
    await poll(() => lifecycle.innerText()).toContain('Escalation chain Payments escalation: 1 of 2 steps notified; next after 10 min (unless acknowledged)');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await poll(() => lifecycle.innerText()).toContain('Escalation chain Payments escalation: 1 of 2 steps notified; stopped when it was acknowledged');
    await shot('alert-escalation-stopped');

    // A label given in the KPI editor: shown on the KPI page, and a route placed first that matches it wins.
    await page.goto(`${suite.service.url}#/kpis/${kpi.id}/edit`);
    await heading(page, 'Edit Deposits per hour');
    await page.getByRole('button', { name: 'Add label' }).click();
    await page.getByLabel('Label 1 name').fill('Tier');
    await page.getByLabel('Label 1 value').fill('gold');
    await page.getByRole('button', { name: 'Save changes' }).click();
    // The API's rule for names, by the row.
    await poll(() => page.getByLabel('Label 1 name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('group', { name: 'Labels' }).locator('.field-error').count()).toBe(1);
    await shot('kpi-label-refused');
    await page.getByLabel('Label 1 name').fill('tier');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await heading(page, 'Deposits per hour');
    await poll(() => page.getByRole('list', { name: 'Labels' }).innerText()).toBe('tier=gold');
    expect((await call<Kpi>('GET', `/kpis/${kpi.id}`)).labels).toEqual({ tier: 'gold' });
    await shot('kpi-labels');

    await call('POST', '/routes', { name: 'Gold tier', match: { labels: { tier: 'gold' } }, teams: [], channels: [] });
    await nav(page, 'Routes');
    await heading(page, 'Routes');
    const goldRow = page.getByRole('row').filter({ hasText: 'Gold tier' });
    await poll(() => goldRow.innerText()).toMatch(/^2\tGold tier\tlabels tier=gold/);
    await page.getByRole('button', { name: 'Move Gold tier up' }).click();
    await poll(() => goldRow.innerText()).toMatch(/^1\tGold tier/);
    expect((await call<{ items: AlertRoute[] }>('GET', '/routes')).items.map((r) => r.name)).toEqual(['Gold tier', 'Payments']);
    await testForm.getByLabel('Alert of the KPI').selectOption({ label: 'Deposits per hour' });
    await testForm.getByRole('button', { name: 'Show where it goes' }).click();
    await poll(() => result.innerText()).toMatch(/Severity\s+\w+\s+Routes matched\s+Gold tier\s+Teams\s+none\s+Escalation chain\s+none/);

    // The default route, saved through its form.
    const defaults = page.getByRole('form', { name: 'Default route' });
    await defaults.getByRole('group', { name: 'Teams' }).getByLabel('Payments on-call').check();
    await defaults.getByRole('button', { name: 'Save default route' }).click();
    await poll(() => defaults.getByText('Saved').count()).toBe(1);
    expect(await call<DefaultRoute>('GET', '/routes/default')).toMatchObject({ teams: [team!.id], channels: [], escalationChainId: null });
    await shot('routes');

    // A team named by a route cannot be deleted: the page says why.
    await nav(page, 'Teams');
    await page.getByRole('button', { name: 'Delete Payments on-call' }).click();
    await poll(() => page.getByRole('alert').innerText()).toMatch(/Conflict/i);

    // On a phone: no page wider than the screen, with its editor open; every control named.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const [path, title, button] of [['/teams', 'Teams', 'New team'], ['/routes', 'Routes', 'New route'], ['/escalation-chains', 'Escalation chains', 'New escalation chain']] as const) {
      await page.goto(`${suite.service.url}#${path}`);
      await heading(page, title);
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('form', { name: button }).waitFor();
      await suite.browser.settled();
      expect(await overflowing(page), path).toEqual([]);
      expect(await unlabelled(page), path).toEqual([]);
      await shot(`phone-${path.slice(1)}`);
    }
    await suite.browser.settled();
    // The three refusals above are the only errors the pages met.
    const refused = (status: string) => `console: Failed to load resource: the server responded with a status of ${status}`;
    expect(suite.browser.errors).toEqual([refused('400 (Bad Request)'), refused('400 (Bad Request)'), refused('409 (Conflict)')]);
  });
});
