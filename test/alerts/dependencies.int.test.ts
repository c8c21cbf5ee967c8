import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnreachable } from '../../src/core/alerts/dependencies.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { createDataSource, updateDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { executeNow, type ExecutionDeps } from '../../src/core/executions/execute-now.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import type { Kpi } from '../../src/core/kpis/kpi.ts';
import { buildContact, buildKpi } from '../helpers/factories.ts';
import type { MonitoredDb } from '../helpers/monitored.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import type { TestStore } from '../helpers/store.ts';
import { meta, MINUTE, type AlertFixture, type TestSmtp } from './fixture.ts';
import { executionFixture, type ExecutionFixture } from './execution-fixture.ts';

/**
 * A data source that stops answering (a PostgreSQL cluster of the test's own, stopped) under 10 KPIs of
 * two owners: each owner gets ONE "data source unreachable" mail, no "KPI failing" alert opens, and the
 * first run that reaches the source again resolves both (one mail per owner).
 */
let x: ExecutionFixture;
let store: TestStore;
let smtp: TestSmtp;
let own: OwnPostgres;
let m: MonitoredDb;
let f: AlertFixture;
let deps: ExecutionDeps;

beforeAll(async () => {
  x = await executionFixture();
  ({ store, smtp, m, f, deps } = x);
  own = await startOwnPostgres();
}, 120_000);
afterAll(async () => {
  await own.stop().catch(() => undefined);
  await x.close();
});

const alertsOf = async (kpiIds: string[]) =>
  (await store.db.query<{ kind: string; status: string; n: number }>(
    'SELECT kind, status, count(*)::int AS n FROM alerts WHERE kpi_id = ANY ($1) GROUP BY kind, status ORDER BY kind, status', [kpiIds])).rows;
const runAll = async (kpis: readonly Kpi[]) => {
  f.clock.advance(5 * MINUTE);
  const statuses = [];
  for (const k of kpis) statuses.push((await executeNow(deps, k.id, { dryRun: false, actor: 'test' })).result);
  await f.worker.tick();
  return statuses;
};

describe('a data source that stops answering', () => {
  it('given 10 KPIs of two owners on it, then each owner gets one "unreachable" mail, no KPI failing alert opens, and they resolve together', async () => {
    const url = new URL(own.url);
    const ds = await createDataSource(f.deps, {
      name: 'Payments replica', kind: 'postgres', host: url.hostname, port: Number(url.port), database: 'postgres', user: 'postgres', allowPrivilegedUser: true,
    }, meta);
    const payments = await createContact(f.deps, buildContact({ name: 'Pay on call', email: 'pay@example.com', phone: null }), meta);
    const risk = await createContact(f.deps, buildContact({ name: 'Risk desk', email: 'risk@example.com', phone: null }), meta);
    const kpis: Kpi[] = [];
    for (let i = 0; i < 10; i++) {
      const owner = i < 6 ? 'payments' : 'risk';
      kpis.push(await createKpi(f.deps, buildKpi({
        dataSourceId: ds.id, owner, contactIds: [owner === 'payments' ? payments.id : risk.id], indicator: `Source KPI ${i}`,
        query: 'SELECT 1 AS value', sensitivity: null, minThreshold: 0, cooldownMinutes: 0,
      }), meta));
    }
    expect((await runAll(kpis)).map((r) => r.status)).toEqual(Array(10).fill('success'));
    await own.stop();

    smtp.mails.length = 0;
    for (let round = 0; round < 5; round++) {
      const results = await runAll(kpis);
      expect(results.map((r) => r.status)).toEqual(Array(10).fill('failed'));
      // The first run may meet a pooled connection the shutdown ended; from then on none connects.
      expect(results.every((r) => isUnreachable(r))).toBe(true);
      if (round > 0) expect(results[0]!.error).toMatch(/^cannot connect/);
    }
    // K = 3 failures: both owners' alerts opened at the third round, nothing more after it.
    expect(await alertsOf(kpis.map((k) => k.id))).toEqual([{ kind: 'unreachable', status: 'open', n: 2 }]);
    expect(smtp.mails.map((x) => x.to[0]).sort()).toEqual(['pay@example.com', 'risk@example.com']);
    const pay = smtp.mails.find((x) => x.to[0] === 'pay@example.com')!;
    expect(pay.subject).toBe('[medium] Data source unreachable: Payments replica (6 KPIs of payments)');
    expect(pay.text).toContain('Source KPI 0, Source KPI 1, Source KPI 2, Source KPI 3, Source KPI 4, Source KPI 5.');
    const listed = (await f.deps.uow.read.alerts.list({ kind: 'unreachable', limit: 10 })).items;
    expect(listed.map((a) => a.indicator)).toEqual(['data source Payments replica', 'data source Payments replica']);

    // The source is back (another server under the same data source): the first run that reaches it resolves both.
    const current = (await f.deps.uow.read.dataSources.get(ds.id))!;
    await updateDataSource(f.deps, ds.id, { ...(m.dataSource as object), allowPrivilegedUser: false }, current.version, meta);
    f.clock.advance(5 * MINUTE);
    expect((await executeNow(deps, kpis[9]!.id, { dryRun: false, actor: 'test' })).result.status).toBe('success');
    await f.worker.tick();
    expect(await alertsOf(kpis.map((k) => k.id))).toEqual([{ kind: 'unreachable', status: 'resolved', n: 2 }]);
    expect(smtp.mails.slice(2).map((x) => [x.to[0], x.subject]).sort()).toEqual([
      ['pay@example.com', 'Resolved: [medium] Data source unreachable: Payments replica (6 KPIs of payments)'],
      ['risk@example.com', 'Resolved: [medium] Data source unreachable: Payments replica (4 KPIs of risk)'],
    ]);
    await runAll(kpis);
    expect(smtp.mails).toHaveLength(4);
  }, 120_000);

  it('given a KPI whose query fails on a source that answers, then "KPI failing" opens as before', async () => {
    const ds = await createDataSource(f.deps, { name: 'Answering replica', ...(m.dataSource as object) }, meta);
    const kpi = await createKpi(f.deps, buildKpi({ dataSourceId: ds.id, query: 'SELECT value FROM no_such_table', sensitivity: null, minThreshold: 0 }), meta);
    for (let i = 0; i < 3; i++) await runAll([kpi]);
    expect(await alertsOf([kpi.id])).toEqual([{ kind: 'failing', status: 'open', n: 1 }]);
  }, 60_000);
});
