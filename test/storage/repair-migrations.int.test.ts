import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReplayReport, replay } from '../../src/adapters/replay/replay.ts';
import { loadMigrations, migrate } from '../../src/adapters/storage/migrate.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { buildDataSource, buildKpi } from '../helpers/factories.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

/** Migrations that repair what earlier versions wrote: each given the old rows, then applied. */
let store: TestStore;
beforeAll(async () => {
  store = await createTestStore(undefined, { migrate: false });
  await migrate(store.db, loadMigrations().filter((m) => m.version < 610));
  expect(loadMigrations().map((m) => m.version)).toEqual(expect.arrayContaining([610, 611]));
}, 60_000);
afterAll(async () => store.close());

const entry = (position: number, eventType: string, changes: unknown) => store.db.query(
  `INSERT INTO audit_entries (position, recorded_at, event_type, entity_type, entity_id, entity_version, actor, actor_kind, summary, changes)
   VALUES ($1, now(), $2, 'kpi', 'kpi_1', 1, 'usr_1', 'user', 'x', $3::jsonb)`, [position, eventType, JSON.stringify(changes)]);

describe('0610: audit creations without unset fields', () => {
  it('drops the null → null pairs of creations and deletions, and nothing else', async () => {
    await entry(1, 'KpiCreated', { owner: { from: null, to: 'payments' }, minThreshold: { from: null, to: null }, contactIds: { from: null, to: [] } });
    await entry(2, 'KpiDeleted', { owner: { from: 'payments', to: null }, cron: { from: null, to: null } });
    await entry(3, 'ReportTuned', { level: { from: null, to: null } }); // not ours to judge
    await migrate(store.db, loadMigrations().filter((m) => m.version === 610));
    const { rows } = await store.db.query<{ position: number; changes: unknown }>('SELECT position::int AS position, changes FROM audit_entries ORDER BY position');
    expect(rows).toEqual([
      { position: 1, changes: { owner: { from: null, to: 'payments' }, contactIds: { from: null, to: [] } } },
      { position: 2, changes: { owner: { from: 'payments', to: null } } },
      { position: 3, changes: { level: { from: null, to: null } } },
    ]);
    await store.db.query('DELETE FROM audit_entries');
  });
});

describe('0611 and 0702: finite numbers, and replay of the events written before', () => {
  const clock = testClock('2026-03-02T09:00:00Z');
  const meta = { actor: 'usr_old', correlationId: 'cor_old' };
  let patched: string;
  let created: string;

  it('given a PATCH deviationPercent "Infinity" of an old version (event null, row Infinity), replay reads it and says what differs', async () => {
    // The KPIs below are made by today's commands, which write the columns of later migrations: all of
    // them but the two under test.
    await migrate(store.db, loadMigrations().filter((m) => m.version > 611 && m.version !== 702));
    const deps = commandDeps(store, clock);
    const ds = await createDataSource(deps, buildDataSource(), meta);
    patched = (await createKpi(deps, buildKpi({ dataSourceId: ds.id }), meta)).id;
    created = (await createKpi(deps, buildKpi({ dataSourceId: ds.id }), meta)).id;
    // What the old code wrote: JSON.stringify turned Infinity into null in the event, pg kept it in the row.
    await store.db.query(
      `INSERT INTO events (stream_id, stream_version, type, data, metadata, recorded_at) VALUES ($1, 2, 'KpiUpdated', $2::jsonb, $3::jsonb, $4)`,
      [`kpi-${patched}`, JSON.stringify({ id: patched, changes: { deviationPercent: { from: 10, to: null }, maxThreshold: { from: null, to: null } } }), JSON.stringify(meta), clock.now()],
    );
    await store.db.query('UPDATE streams SET version = 2 WHERE stream_id = $1', [`kpi-${patched}`]);
    await store.db.query("UPDATE kpis SET deviation_percent = 'Infinity', max_threshold = 'Infinity', version = 2 WHERE id = $1", [patched]);
    await store.db.query(`UPDATE events SET data = jsonb_set(data, '{kpi,deviationPercent}', 'null') WHERE stream_id = $1`, [`kpi-${created}`]);
    await store.db.query("UPDATE kpis SET deviation_percent = 'Infinity' WHERE id = $1", [created]);
    await store.db.query(
      `INSERT INTO executions (run_id, kpi_id, trigger, slot_at, window_start, window_end, started_at, finished_at, duration_ms, status, value, baseline, deviation_percent, node_id)
       VALUES ('run_old', $1, 'manual', now(), now(), now(), now(), now(), 1, 'success', 1e308, -1e308, 'Infinity', 'nod_old')`, [patched],
    );

    const before = await replay(store.db);
    expect(before.unreadable).toEqual([]);
    expect(before.differences.map((d) => [d.key, d.columns])).toEqual([
      [created, { deviation_percent: { live: 'Infinity', rebuilt: null } }],
      [patched, { deviation_percent: { live: 'Infinity', rebuilt: null }, max_threshold: { live: 'Infinity', rebuilt: null } }],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('then the migration gives the rows what replay reads from the events: no difference, no Infinity left', async () => {
    await migrate(store.db, loadMigrations().filter((m) => m.version === 611 || m.version === 702));
    expect((await replay(store.db)).differences).toEqual([]);
    const { rows } = await store.db.query<{ deviation_percent: number | null; max_threshold: number | null }>('SELECT deviation_percent, max_threshold FROM kpis WHERE id = $1', [patched]);
    expect(rows).toEqual([{ deviation_percent: null, max_threshold: null }]); // no percentage rule, as the events say
    const history = await store.db.query('SELECT value, baseline, deviation_percent FROM executions WHERE run_id = $1', ['run_old']);
    expect(history.rows).toEqual([{ value: 1e308, baseline: -1e308, deviation_percent: null }]);
  });

  it('a stream whose events make no row is reported, and the rest is still compared', async () => {
    await store.db.query(
      `INSERT INTO events (stream_id, stream_version, type, data, metadata, recorded_at) VALUES ('kpi-kpi_broken', 1, 'KpiCreated', $1::jsonb, $2::jsonb, now())`,
      [JSON.stringify({ id: 'kpi_broken', kpi: { owner: 'nobody' } }), JSON.stringify(meta)],
    );
    await store.db.query("UPDATE kpis SET owner = 'mallory' WHERE id = $1", [created]);
    const report = await replay(store.db);
    expect(report.unreadable).toEqual([{ streamId: 'kpi-kpi_broken', error: expect.stringContaining('indicator') }]);
    expect(report.differences.map((d) => `${d.table} ${d.key} ${Object.keys(d.columns).join()}`)).toEqual([`kpis ${created} owner`]);
    expect(formatReplayReport(report)).toContain('stream kpi-kpi_broken: its events make no row');
    expect(formatReplayReport(report)).toContain('1 streams could not be rebuilt from their events');
  });
});
