import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaleCheck } from '../../src/adapters/delivery/stale-check.ts';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { describeEvent } from '../../src/core/audit/describe-event.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { createKpi, updateKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { Kpi, KpiInput } from '../../src/core/kpis/kpi.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact, buildKpi } from '../helpers/factories.ts';
import type { MonitoredDb } from '../helpers/monitored.ts';
import type { TestStore } from '../helpers/store.ts';
import { meta, MINUTE, type AlertFixture, type TestSmtp } from './fixture.ts';
import { executionFixture, type ExecutionFixture } from './execution-fixture.ts';

/** noDataPolicy (a run without rows is ok, a breach, or nothing) and the "stale" alert, counted in mails on the real SMTP server. */
let x: ExecutionFixture;
let store: TestStore;
let smtp: TestSmtp;
let m: MonitoredDb;
let f: AlertFixture;
let t: TestApp;
let deps: ExecutionDeps;

beforeAll(async () => {
  x = await executionFixture();
  ({ store, smtp, m, f, deps } = x);
  t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings } });
}, 60_000);
afterAll(async () => {
  await t.close();
  await x.close();
});

const NO_ROWS = "SELECT country AS key, count(*) AS value FROM account_transactions WHERE type = 'none' GROUP BY country";
async function kpiOn(email: string, o: Partial<KpiInput>): Promise<Kpi> {
  const ds = await createDataSource(f.deps, { name: `pg-${Math.random().toString(36).slice(2)}`, ...(m.dataSource as object) }, meta);
  const contact = await createContact(f.deps, buildContact({ email, phone: null }), meta);
  return createKpi(f.deps, buildKpi({ dataSourceId: ds.id, contactIds: [contact.id], query: NO_ROWS, cooldownMinutes: 0, indicator: `Payouts ${Math.random().toString(36).slice(2, 7)}`, ...o }), meta);
}
const mailsTo = (a: string) => smtp.mails.filter((x) => x.to.includes(a));
const alertsOf = async (kpiId: string) =>
  (await store.db.query<{ kind: string; status: string }>('SELECT kind, status FROM alerts WHERE kpi_id = $1 ORDER BY id', [kpiId])).rows;
const run = async (kpi: Kpi) => {
  f.clock.advance(10 * MINUTE);
  const r = await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
  await f.worker.tick();
  return r;
};

describe('noDataPolicy', () => {
  it('given policy breach, a run without rows is a breach that opens one "no data" alert and mails once; rows again resolve it', async () => {
    const kpi = await kpiOn('nodata@example.com', { noDataPolicy: 'breach' });
    const first = await run(kpi);
    expect(first.result.series).toMatchObject([{ key: null, value: null, outcome: { kind: 'breach', reasons: [{ rule: 'no_rows', limit: 1, value: 0 }] } }]);
    expect(await alertsOf(kpi.id)).toEqual([{ kind: 'no_data', status: 'open' }]);
    expect(mailsTo('nodata@example.com').map((x) => x.subject)).toEqual([`[medium] No data: ${kpi.indicator} returned no rows`]);
    await run(kpi);
    expect(mailsTo('nodata@example.com')).toHaveLength(1);

    await m.insert([{ type: 'deposit', done: true, updatedAt: f.clock.now(), country: 'DE', amount: 10 }]);
    await updateKpi(f.deps, kpi.id, { query: "SELECT country AS key, count(*) AS value FROM account_transactions WHERE type = 'deposit' GROUP BY country" }, undefined, meta);
    await run(kpi);
    expect(await alertsOf(kpi.id)).toEqual([{ kind: 'no_data', status: 'resolved' }]);
    expect(mailsTo('nodata@example.com').map((x) => x.subject)).toEqual([expect.any(String), `Resolved: [medium] No data: ${kpi.indicator} returned no rows`]);
    const [opened] = (await store.db.query<{ id: string }>("SELECT id FROM alerts WHERE kpi_id = $1", [kpi.id])).rows;
    const events = await readStream(store.db, `alert-${opened!.id}`);
    expect(describeEvent(events[0]!.type, 'alert', opened!.id, events[0]!.data, null).summary).toMatch(/^Opened medium "no data" alert alr_\w+ on KPI/);
  }, 60_000);

  it('given the default (no_judgement), a run without rows judges nothing and alerts nobody; given ok, it is ok', async () => {
    const quiet = await kpiOn('quiet-nodata@example.com', {});
    expect(quiet.noDataPolicy).toBe('no_judgement');
    expect((await run(quiet)).result.series).toMatchObject([{ outcome: { kind: 'no_judgement', reason: 'no_rows' } }]);
    const ok = await kpiOn('ok-nodata@example.com', { noDataPolicy: 'ok' });
    expect((await run(ok)).result.series).toMatchObject([{ outcome: { kind: 'ok' } }]);
    expect(await alertsOf(quiet.id)).toEqual([]);
    expect(await alertsOf(ok.id)).toEqual([]);
    expect(mailsTo('quiet-nodata@example.com')).toHaveLength(0);
    expect(mailsTo('ok-nodata@example.com')).toHaveLength(0);
  }, 60_000);

  it('the API takes the field and refuses what is not a policy', async () => {
    const kpi = await kpiOn('api-nodata@example.com', {});
    const changed = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { noDataPolicy: 'ok' } });
    expect(changed.json()).toMatchObject({ noDataPolicy: 'ok' });
    const bad = await t.inject({ method: 'PATCH', url: `/api/v1/kpis/${kpi.id}`, payload: { noDataPolicy: 'maybe' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });
});

describe('the stale alert', () => {
  it('given an active KPI not run for two periods, then one "stale" alert mails its contacts once; when it runs again, it resolves', async () => {
    const kpi = await kpiOn('stale@example.com', { frequencyMinutes: 60, query: 'SELECT 1 AS value' });
    const check = createStaleCheck({ ...f.deps, settings: f.settings, db: store.db });
    f.clock.advance(90 * MINUTE);
    await check();
    await f.worker.tick();
    expect(await alertsOf(kpi.id)).toEqual([]); // 1.5 periods: not stale yet
    f.clock.advance(60 * MINUTE);
    await check();
    await f.worker.tick();
    expect(await alertsOf(kpi.id)).toEqual([{ kind: 'stale', status: 'open' }]);
    expect(mailsTo('stale@example.com').map((x) => x.subject)).toEqual([expect.stringMatching(new RegExp(`^\\[medium\\] Stale: ${kpi.indicator} has not run since `))]);
    f.clock.advance(2 * MINUTE);
    await check();
    expect(mailsTo('stale@example.com')).toHaveLength(1);

    await executeNow(deps, kpi.id, { dryRun: false, actor: 'test' });
    await f.worker.tick();
    expect(await alertsOf(kpi.id)).toEqual([{ kind: 'stale', status: 'resolved' }]);
    expect(mailsTo('stale@example.com').map((x) => x.subject)).toEqual([expect.any(String), expect.stringMatching(/^Resolved: \[medium\] Stale: /)]);
  }, 60_000);
});
