import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { replay } from '../../src/adapters/replay/replay.ts';
import { describeEvent } from '../../src/core/audit/describe-event.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { Kpi, KpiInput } from '../../src/core/kpis/kpi.ts';
import { markMaintenanceRuns } from '../../src/core/maintenance/mark-runs.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildContact, buildKpi } from '../helpers/factories.ts';
import type { MonitoredDb } from '../helpers/monitored.ts';
import type { TestStore } from '../helpers/store.ts';
import { meta, type AlertFixture, type TestSmtp } from './fixture.ts';
import { executionFixture, type ExecutionFixture } from './execution-fixture.ts';

/**
 * A release night inside a maintenance window ("02:30 on 1 March, 120 minutes, Europe/Berlin" for two
 * KPIs): their breach sends no mail (a twin outside the window sends one), their runs are marked, and a
 * week later the baseline of the KPI under the window stands on the weeks before only, while its twin's
 * takes the release night in.
 */
let x: ExecutionFixture;
let store: TestStore;
let smtp: TestSmtp;
let m: MonitoredDb;
let f: AlertFixture;
let t: TestApp;
let deps: ExecutionDeps;

beforeAll(async () => {
  x = await executionFixture({ listeners: [markMaintenanceRuns] });
  ({ store, smtp, m, f, deps } = x);
  await m.query('CREATE TABLE levels (name text PRIMARY KEY, v numeric NOT NULL)');
  t = await buildTestApp({ store, clock: f.clock, overrides: { alertSettings: f.settings } });
}, 60_000);
afterAll(async () => {
  await t.close();
  await x.close();
});

const setLevel = (v: number) => m.query('INSERT INTO levels (name, v) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET v = $2', ['all', v]);
async function kpi(name: string, email: string, o: Partial<KpiInput>): Promise<Kpi> {
  const ds = await createDataSource(f.deps, { name: `pg-${name}`, ...(m.dataSource as object) }, meta);
  const c = await createContact(f.deps, buildContact({ email, phone: null }), meta);
  return createKpi(f.deps, buildKpi({
    dataSourceId: ds.id, contactIds: [c.id], indicator: name, query: "SELECT v AS value FROM levels WHERE name = 'all'", frequencyMinutes: 10080,
    sensitivity: null, baselineAggregate: 'mean', cooldownMinutes: 0, ...o,
  }), meta);
}
const runAt = async (at: string, kpis: readonly Kpi[]) => {
  f.clock.set(at);
  const out = [];
  for (const k of kpis) out.push((await executeNow(deps, k.id, { dryRun: false, actor: 'test' })).result);
  await f.worker.tick();
  return out;
};
const mailsTo = (a: string) => smtp.mails.filter((x) => x.to.includes(a));

describe('a maintenance window over a release night', () => {
  it('sends no mail for the KPIs under it, marks their runs, and leaves the next week\'s baseline on the weeks before', async () => {
    f.clock.set('2026-02-01T12:00:00Z');
    const steady = { deviationPercent: 1000 };
    const alerting = { deviationPercent: null, maxThreshold: 50, pendingExecutions: 1, resolveAfterExecutions: 1 };
    const [a, b, c, d] = [
      await kpi('Under window, steady', 'a@example.com', steady), await kpi('Twin, steady', 'b@example.com', steady),
      await kpi('Under window, alerting', 'c@example.com', alerting), await kpi('Twin, alerting', 'd@example.com', alerting),
    ] as [Kpi, Kpi, Kpi, Kpi];
    const created = await t.inject({ method: 'POST', url: '/api/v1/maintenance-windows', payload: {
      name: 'Release night', kpiIds: [a.id, c.id], cron: '30 2 1 3 *', durationMinutes: 120, timezone: 'Europe/Berlin', comment: 'release 4.2',
    } });
    expect(created.statusCode).toBe(201);
    const w = created.json();
    expect(w).toMatchObject({ createdBy: t.adminKeyId, current: null, active: true });

    await setLevel(20);
    for (const at of ['2026-02-08T02:00:00Z', '2026-02-15T02:00:00Z', '2026-02-22T02:00:00Z']) await runAt(at, [a, b, c, d]);
    expect(smtp.mails).toHaveLength(0);

    // The release night: 02:30-04:30 Berlin = 01:30-03:30 UTC. The value jumps, then comes back.
    f.clock.set('2026-03-01T02:00:00Z');
    expect((await t.inject({ method: 'GET', url: `/api/v1/maintenance-windows/${w.id}` })).json().current).toEqual({ start: '2026-03-01T01:30:00.000Z', end: '2026-03-01T03:30:00.000Z' });
    await setLevel(60);
    await runAt('2026-03-01T02:00:00Z', [a, b, c, d]);
    await setLevel(20);
    await runAt('2026-03-01T03:00:00Z', [a, b, c, d]);
    await runAt('2026-03-01T04:00:00Z', []);
    expect(mailsTo('c@example.com')).toHaveLength(0);
    expect(mailsTo('d@example.com').map((x) => x.subject)).toEqual([expect.stringContaining('Twin, alerting'), expect.stringMatching(/^Resolved: /)]);
    const held = (await f.deps.uow.read.alerts.list({ kpiId: c.id, limit: 5 })).items;
    expect(held).toMatchObject([{ status: 'resolved', openingNotified: false, silenceId: w.id }]);
    const marks = (await store.db.query<{ kpi_id: string; n: number }>(
      "SELECT kpi_id, count(*)::int AS n FROM executions WHERE maintenance_window_id = $1 GROUP BY kpi_id ORDER BY kpi_id", [w.id])).rows;
    expect(marks).toEqual([a.id, c.id].sort().map((kpi_id) => ({ kpi_id, n: 2 })));

    // A week later: the KPI under the window stands on 20, 20, 20; its twin takes the 60 in.
    const [ra, rb] = await runAt('2026-03-08T02:00:00Z', [a, b]);
    expect(ra!.series[0]!.baseline).toBe(20);
    expect(rb!.series[0]!.baseline).toBeGreaterThan(20);
  }, 120_000);
});

describe('the maintenance windows API', () => {
  it('takes an RRULE with a zone, refuses what it cannot read, and keeps who made it and why in events that replay', async () => {
    const ok = await t.inject({ method: 'POST', url: '/api/v1/maintenance-windows', payload: {
      name: 'Sunday nights', owner: 'payments', rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0', durationMinutes: 120, timezone: 'Europe/Berlin', comment: 'weekly maintenance',
    } });
    expect(ok.statusCode).toBe(201);
    const problems = async (payload: Record<string, unknown>) => {
      const r = await t.inject({ method: 'POST', url: '/api/v1/maintenance-windows', payload: { name: 'x', owner: 'x', durationMinutes: 60, ...payload } });
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      return r.json().errors?.map((e: { path: string }) => e.path);
    };
    expect(await problems({ rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;COUNT=3' })).toEqual(['/rrule']);
    expect(await problems({ rrule: 'FREQ=WEEKLY;BYDAY=1SU;BYHOUR=2' })).toEqual(['/rrule']);
    expect(await problems({ cron: '0 2 * * 0', rrule: 'FREQ=DAILY;BYHOUR=2' })).toEqual(['/cron']);
    expect(await problems({ cron: '0 2 * * 0', timezone: 'Mars/Olympus' })).toEqual(['/timezone']);
    expect(await problems({ cron: 'every sunday' })).toEqual(['/cron']);
    expect(await problems({ cron: '0 2 * * 0', owner: null })).toEqual(['/kpiIds']);
    expect((await t.inject({ method: 'POST', url: '/api/v1/maintenance-windows', payload: { name: 'x', owner: 'x', cron: '0 2 * * 0', durationMinutes: 99_999 } })).statusCode).toBe(400);
    expect((await t.inject({ method: 'GET', url: '/api/v1/maintenance-windows/mnt_none' })).statusCode).toBe(404);
    expect((await t.inject({ method: 'POST', url: '/api/v1/maintenance-windows', payload: {}, anonymous: true })).statusCode).toBe(401);

    const id = ok.json().id;
    const patched = await t.inject({ method: 'PATCH', url: `/api/v1/maintenance-windows/${id}`, payload: { cron: '0 3 * * 0' } });
    expect(patched.json()).toMatchObject({ cron: '0 3 * * 0', rrule: null, version: 2 });
    const events = await readStream(store.db, `maintenancewindow-${id}`);
    expect(describeEvent(events[0]!.type, 'maintenancewindow', id, events[0]!.data, 'Sunday nights').summary)
      .toBe('Created maintenance window "Sunday nights" on FREQ=WEEKLY;BYDAY=SU;BYHOUR=2;BYMINUTE=0 for 120 minutes (Europe/Berlin) for owner payments, comment "weekly maintenance"');
    expect((await t.inject({ method: 'DELETE', url: `/api/v1/maintenance-windows/${id}` })).statusCode).toBe(204);
    const report = await replay(store.db);
    expect(report.tables.find((x) => x.table === 'maintenance_windows')).toMatchObject({ rows: 1, differences: 0 });
  });
});
