// Issue 11: the data source's user is inspected when it is created, changed, tested, health-checked and
// run; a refused user is accepted only by an administrator (allowPrivilegedUser), as an event and a warning.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationsHealth } from '../../src/adapters/http/operations-health.ts';
import type { SourceRegistry } from '../../src/adapters/sources/source-registry.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { buildKpi } from '../helpers/factories.ts';
import { createMysqlSource, createPostgresSource, TEST_MYSQL, type MonitoredDb } from '../helpers/monitored.ts';
import { createTestStore } from '../helpers/store.ts';
import { registry } from './helpers.ts';

let t: TestApp;
let sources: SourceRegistry;
let pg: MonitoredDb;
let my: MonitoredDb;
const unique = () => randomBytes(4).toString('hex');

beforeAll(async () => {
  [pg, my] = await Promise.all([createPostgresSource(), createMysqlSource()]);
  sources = registry();
  const store = await createTestStore();
  const health = operationsHealth({ db: store.db, clock: systemClock, sources, role: 'api', nodeId: 'nod_test', heartbeatIntervalMs: 10_000 });
  t = await buildTestApp({ store, overrides: { healthGroups: health.groups, inspector: sources } });
}, 60_000);
afterAll(async () => {
  await t.close();
  await t.store.close();
  await sources.close();
  await Promise.all([pg.close(), my.close()]);
});

const create = (body: Record<string, unknown>, headers?: Record<string, string>) =>
  t.inject({ method: 'POST', url: '/api/v1/datasources', payload: { name: `ds-${unique()}`, ...body }, ...(headers ? { headers } : {}) });
const editorKey = async () => (await t.inject({ method: 'POST', url: '/api/v1/apikey', payload: { name: `editor-${unique()}`, scopes: ['datasources:write', 'datasources:read', 'kpi:write', 'kpi:read'] } })).json().key as string;

describe('PostgreSQL roles', () => {
  it('a superuser, the server-file and signal roles, dblink and a SECURITY DEFINER function of a superuser are refused with 400 naming them', async () => {
    expect((await create(pg.adminDataSource)).json()).toMatchObject({ status: 400, errors: [{ path: '/user', message: expect.stringContaining('user postgres is a superuser') }] });
    for (const role of ['pg_read_server_files', 'pg_write_server_files', 'pg_execute_server_program', 'pg_signal_backend']) {
      await pg.query(`GRANT ${role} TO ${pg.user}`);
      const r = await create(pg.dataSource);
      expect(r.statusCode, role).toBe(400);
      expect(r.json().errors[0].message).toContain(`user ${pg.user} is a member of ${role}`);
      await pg.query(`REVOKE ${role} FROM ${pg.user}`);
    }
    await pg.query('CREATE EXTENSION dblink');
    expect((await create(pg.dataSource)).json().errors[0].message).toContain(`user ${pg.user} may use dblink`);
    await pg.query('DROP EXTENSION dblink');
    await pg.query("CREATE FUNCTION as_owner() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'");
    expect((await create(pg.dataSource)).json().errors[0].message).toContain('function as_owner() runs as postgres (SECURITY DEFINER), which is a superuser');
    await pg.query(`REVOKE EXECUTE ON FUNCTION as_owner() FROM PUBLIC`);
    expect((await create(pg.dataSource)).statusCode).toBe(201); // the role cannot call it any more
    await pg.query('DROP FUNCTION as_owner()');
  });

  it('a role that may write tables is accepted (READ ONLY holds for it) and runs queries as before', async () => {
    const ds = (await create(pg.dataSource)).json();
    const kpi = await t.inject({ method: 'POST', url: '/api/v1/kpis/test', payload: buildKpi({ dataSourceId: ds.id, query: 'SELECT count(*) AS value FROM account_transactions' }) });
    expect(kpi.json()).toMatchObject({ status: 'success', series: [{ value: 0 }] });
    expect((await t.inject({ method: 'POST', url: `/api/v1/datasources/${ds.id}/test` })).json()).toMatchObject({ ok: true, warnings: [] });
  });
});

describe('MariaDB users', () => {
  it('more than SELECT, EXECUTE and SHOW VIEW is refused, naming the privilege', async () => {
    expect((await create(my.adminDataSource)).json().errors[0].message).toContain(`has ALL PRIVILEGES on *.*`);
    await my.query(`GRANT INSERT ON ${String(my.dataSource.database)}.* TO ${my.user}@'%'`);
    expect((await create(my.dataSource)).json().errors[0].message).toContain(`user ${my.user}@% has INSERT on ${String(my.dataSource.database)}.*`);
    await my.query(`REVOKE INSERT ON ${String(my.dataSource.database)}.* FROM ${my.user}@'%'`);
    expect((await create(my.dataSource)).statusCode).toBe(201);
  });

  it("routines and views with another definer's rights are refused unless that definer passes the same check", async () => {
    await my.query('CREATE DEFINER = root@localhost PROCEDURE as_root() SQL SECURITY DEFINER SELECT 1 AS value');
    const refused = (await create(my.dataSource)).json();
    expect(refused.errors[0].message).toContain('procedure ');
    expect(refused.errors[0].message).toContain('.as_root runs with the rights of root@localhost (SQL SECURITY DEFINER), which user');
    await my.query('ALTER PROCEDURE as_root SQL SECURITY INVOKER');
    expect((await create(my.dataSource)).statusCode).toBe(201);
    await my.query('CREATE DEFINER = root@localhost SQL SECURITY DEFINER VIEW as_root_view AS SELECT 1 AS value');
    expect((await create(my.dataSource)).json().errors[0].message).toContain('.as_root_view runs with the rights of root@localhost');
    await my.query(`CREATE OR REPLACE DEFINER = ${my.user}@'%' SQL SECURITY DEFINER VIEW as_root_view AS SELECT 1 AS value`); // its own rights
    expect((await create(my.dataSource)).statusCode).toBe(201);
    await my.query('DROP PROCEDURE as_root');
    await my.query('DROP VIEW as_root_view');
  });

  it('a definer whose rights the user may read and that passes is accepted', async () => {
    const definer = `mg_def_${unique()}`;
    await my.query(`CREATE USER ${definer}@'%'`);
    try {
      await my.query(`GRANT SELECT ON ${String(my.dataSource.database)}.* TO ${definer}@'%'`);
      await my.query(`GRANT SELECT ON mysql.* TO ${my.user}@'%'`); // lets the user read other accounts' grants
      await my.query(`CREATE DEFINER = ${definer}@'%' SQL SECURITY DEFINER VIEW by_reader AS SELECT 1 AS value`);
      expect((await create(my.dataSource)).statusCode).toBe(201);
    } finally {
      await my.query('DROP VIEW IF EXISTS by_reader');
      await my.query(`REVOKE SELECT ON mysql.* FROM ${my.user}@'%'`).catch(() => undefined);
      await my.query(`DROP USER ${definer}@'%'`);
    }
    expect(TEST_MYSQL.user).toBe('root');
  });
});

describe('allowPrivilegedUser', () => {
  it('only admin:* may set it (403 for an editor); an administrator may, as an event', async () => {
    const key = await editorKey();
    const denied = await create({ ...pg.adminDataSource, allowPrivilegedUser: true }, { 'x-api-key': key });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toContain('only an administrator (admin:*) may set allowPrivilegedUser');
    const ds = (await create({ ...pg.adminDataSource, allowPrivilegedUser: true })).json();
    expect(ds).toMatchObject({ allowPrivilegedUser: true, user: 'postgres' });
    const stream = (await t.inject({ method: 'GET', url: `/api/v1/streams/datasource-${ds.id}` })).json();
    expect(JSON.stringify(stream)).toContain('"allowPrivilegedUser":true');
    expect(JSON.stringify(stream)).toContain(t.adminKeyId);
    // An editor may not turn it off, nor point the accepted data source at another server or user.
    for (const patch of [{ allowPrivilegedUser: false }, { host: 'localhost' }, { user: 'someone' }, { password: 'x' }]) {
      expect((await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${ds.id}`, payload: patch, headers: { 'x-api-key': key } })).statusCode, JSON.stringify(patch)).toBe(403);
    }
    expect((await t.inject({ method: 'PATCH', url: `/api/v1/datasources/${ds.id}`, payload: { maxConnections: 2 }, headers: { 'x-api-key': key } })).statusCode).toBe(200);
    // A harmless KPI runs; the statement checks still hold.
    const ok = await t.inject({ method: 'POST', url: '/api/v1/kpis/test', payload: buildKpi({ dataSourceId: ds.id, query: 'SELECT 1 AS value' }) });
    expect(ok.json()).toMatchObject({ status: 'success' });
    const copy = await t.inject({ method: 'POST', url: '/api/v1/kpis/test', payload: buildKpi({ dataSourceId: ds.id, query: "COPY (SELECT 1) TO PROGRAM 'id'" }) });
    expect(copy.json()).toMatchObject({ status: 400, errors: [{ path: '/query', message: 'a KPI query must start with SELECT, WITH, VALUES or TABLE (found COPY)' }] });
  });

  it('/api/v1/health and the connection test show it as a warning; a refused source is degraded', async () => {
    const name = `accepted-${unique()}`;
    const ds = (await create({ ...my.adminDataSource, name, allowPrivilegedUser: true })).json();
    expect((await t.inject({ method: 'POST', url: `/api/v1/datasources/${ds.id}/test` })).json()).toMatchObject({ ok: true, warnings: expect.arrayContaining([expect.stringContaining('ALL PRIVILEGES')]) });
    const health = (await t.inject({ method: 'GET', url: '/api/v1/health' })).json();
    expect(health.components[`datasource:${name}`]).toMatchObject({ status: 'degraded', detail: expect.stringContaining('runs KPI queries as a privileged user (allowPrivilegedUser)') });
    // Privileges granted after creation: the health check (and every run) finds them.
    const later = `later-${unique()}`;
    await create({ ...my.dataSource, name: later });
    await my.query(`GRANT FILE ON *.* TO ${my.user}@'%'`);
    try {
      const again = (await t.inject({ method: 'GET', url: '/api/v1/health' })).json();
      expect(again.components[`datasource:${later}`]).toMatchObject({ status: 'degraded', detail: expect.stringContaining(`its KPIs do not run, refused: user ${my.user}@% has FILE on *.*`) });
    } finally {
      await my.query(`REVOKE FILE ON *.* FROM ${my.user}@'%'`);
    }
  });
});
