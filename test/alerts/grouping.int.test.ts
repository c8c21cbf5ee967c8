import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { createKpi, updateKpi } from '../../src/core/kpis/kpi-commands.ts';
import { buildContact, buildKpi } from '../helpers/factories.ts';
import type { MonitoredDb } from '../helpers/monitored.ts';
import type { TestStore } from '../helpers/store.ts';
import { meta, MINUTE, type AlertFixture, type TestSmtp } from './fixture.ts';
import { executionFixture, type ExecutionFixture } from './execution-fixture.ts';

/**
 * What one run opens together is told together: a KPI returning 2,700 series (MAX_SERIES raised to
 * 3,000) that all break `minThreshold: 5` sends ONE mail per contact, through the real execution path
 * (PostgreSQL source, recording, alerting) and the real SMTP server; past ALERT_MAX_PER_RUN the series
 * share one summary alert.
 */
const SERIES = 2700;
const CAP = 100;
let x: ExecutionFixture;
let store: TestStore;
let smtp: TestSmtp;
let m: MonitoredDb;
let f: AlertFixture;
let deps: ExecutionDeps;

beforeAll(async () => {
  x = await executionFixture({ settings: { maxAlertsPerRun: CAP }, maxSeries: 3000, maxResultRows: 10_000 });
  ({ store, smtp, m, f, deps } = x);
}, 60_000);
afterAll(() => x.close());

async function seriesKpi(query: string, emails: string[]) {
  const ds = await createDataSource(f.deps, { name: `pg-${Math.random().toString(36).slice(2)}`, ...(m.dataSource as object) }, meta);
  const contactIds = [];
  for (const email of emails) contactIds.push((await createContact(f.deps, buildContact({ email, phone: null }), meta)).id);
  return createKpi(f.deps, buildKpi({
    dataSourceId: ds.id, contactIds, query, sensitivity: null, deviationPercent: null, minThreshold: 5, cooldownMinutes: 0,
    pendingExecutions: 1, resolveAfterExecutions: 1, indicator: `Deposits ${Math.random().toString(36).slice(2, 7)}`,
  }), meta);
}
const alertsOf = async (kpiId: string) =>
  (await store.db.query<{ kind: string; status: string; n: number }>(
    'SELECT kind, status, count(*)::int AS n FROM alerts WHERE kpi_id = $1 GROUP BY kind, status ORDER BY kind, status', [kpiId])).rows;

describe('one message per run', () => {
  it(`given ${SERIES} series breaching in one run, then each contact gets one mail, ${CAP} alerts and one summary alert open`, async () => {
    const kpi = await seriesKpi(`SELECT 'S' || lpad(g::text, 4, '0') AS key, g % 5 AS value FROM generate_series(1, ${SERIES}) g`,
      ['ann@example.com', 'bob@example.com']);
    smtp.mails.length = 0;
    const run = await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    expect(run.result).toMatchObject({ status: 'success' });
    expect(run.result.series).toHaveLength(SERIES);
    expect(await alertsOf(kpi.id)).toEqual([{ kind: 'breach', status: 'open', n: CAP }, { kind: 'summary', status: 'open', n: 1 }]);
    await f.worker.tick();
    await f.worker.tick();
    expect(smtp.mails.map((x) => x.to).sort()).toEqual([['ann@example.com'], ['bob@example.com']]);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe(`[medium] ${kpi.indicator} dropped in ${SERIES} of ${SERIES} series: S0005 0, S0010 0, S0015 0, …`);
    expect(mail.text).toContain(`${SERIES} of ${SERIES} series of ${kpi.indicator}`);
    expect(mail.text).toContain(`… and ${SERIES - 50} more`);
    expect(mail.text).toContain(`Past the ${CAP} alerts one run may open, ${SERIES - CAP} of them share one summary alert.`);
    expect(mail.text).toContain(`http://grid.example/#/alerts?kpiId=${kpi.id}`);
    const { rows } = await store.db.query<{ opening_notified: boolean; n: number }>(
      'SELECT opening_notified, count(*)::int AS n FROM alerts WHERE kpi_id = $1 GROUP BY opening_notified', [kpi.id]);
    expect(rows).toEqual([{ opening_notified: true, n: CAP + 1 }]);

    // The next run breaches as well: nothing new opens, nobody is told again.
    f.clock.advance(10 * MINUTE);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    await f.worker.tick();
    expect(smtp.mails).toHaveLength(2);

    // Every series back above the minimum: the 100 alerts and the summary resolve, told in one mail each.
    const current = (await f.deps.uow.read.kpis.get(kpi.id))!;
    await updateKpi(f.deps, kpi.id, { query: `SELECT 'S' || lpad(g::text, 4, '0') AS key, 9 AS value FROM generate_series(1, ${SERIES}) g` }, current.version, meta);
    f.clock.advance(10 * MINUTE);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    await f.worker.tick();
    expect(await alertsOf(kpi.id)).toEqual([{ kind: 'breach', status: 'resolved', n: CAP }, { kind: 'summary', status: 'resolved', n: 1 }]);
    const resolved = smtp.mails.slice(2);
    expect(resolved.map((x) => x.to).sort()).toEqual([['ann@example.com'], ['bob@example.com']]);
    expect(resolved[0]!.subject).toBe(`Resolved: ${kpi.indicator} back to normal in ${CAP} series: S0001, S0002, S0003, …`);
    expect(resolved[0]!.text).toContain('and 51 more');
  }, 120_000);

  it('given a few series breaching together, then one mail lists them worst first; they resolve in one mail; a lone breach keeps its own message', async () => {
    await m.insert(['DE', 'FR', 'IT', 'ES', 'NL'].flatMap((country, i) => Array.from({ length: [1, 2, 9, 9, 9][i]! }, () => ({
      type: 'deposit', done: true, updatedAt: new Date(f.clock.now().getTime() - 5 * MINUTE), country, amount: 10 }))));
    const kpi = await seriesKpi("SELECT country AS key, count(*) AS value FROM account_transactions WHERE type = 'deposit' GROUP BY country", ['carol@example.com']);
    smtp.mails.length = 0;
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    await f.worker.tick();
    expect(smtp.mails.map((x) => x.subject)).toEqual([`[medium] ${kpi.indicator} dropped in 2 of 5 series: DE 1, FR 2`]);
    expect(smtp.mails[0]!.text).toMatch(/- DE: 1, medium\n- FR: 2, medium/);

    await m.insert(['DE', 'FR'].flatMap((country) => Array.from({ length: 9 }, () => ({ type: 'deposit', done: true, updatedAt: f.clock.now(), country, amount: 10 }))));
    f.clock.advance(10 * MINUTE);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    await f.worker.tick();
    expect(smtp.mails.map((x) => x.subject)).toEqual([expect.any(String), `Resolved: ${kpi.indicator} back to normal in 2 series: DE, FR`]);

    await m.query("DELETE FROM account_transactions WHERE country = 'IT'");
    await m.insert([{ type: 'deposit', done: true, updatedAt: f.clock.now(), country: 'IT', amount: 10 }]);
    f.clock.advance(10 * MINUTE);
    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    await f.worker.tick();
    expect(smtp.mails.at(-1)!.subject).toBe(`[critical] ${kpi.indicator} IT: 1 vs baseline 9 (-88.9%)`); // its history says 9
    expect(smtp.mails).toHaveLength(3);
  }, 60_000);
});
