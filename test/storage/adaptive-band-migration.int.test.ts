import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { replay } from '../../src/adapters/replay/replay.ts';
import { migrate } from '../../src/adapters/storage/migrate.ts';
import { createDataSource } from '../../src/core/datasources/datasource-commands.ts';
import { createKpi } from '../../src/core/kpis/kpi-commands.ts';
import { DEFAULT_DESCRIPTION_TEMPLATE, PREVIOUS_DEFAULT_DESCRIPTION_TEMPLATE } from '../../src/core/kpis/templates.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

let store: TestStore;
const meta = { actor: 'usr_test', correlationId: 'cor_test' };
let onDefault: string;
let ownPercent: string;

/**
 * A store as it was before the adaptive band: KPIs without a sensitivity, on the old default (10 %) or
 * a percentage of their own, their KpiCreated events without the field. Made by creating them now and
 * taking the new field out of the table and the events, then applying migration 0701 again.
 */
beforeAll(async () => {
  store = await createTestStore();
  const deps = commandDeps(store, testClock('2026-03-02T09:00:00Z'));
  const ds = await createDataSource(deps, { name: 'replica', kind: 'postgres', host: '127.0.0.1', database: 'shop', user: 'monitor' }, meta);
  onDefault = (await createKpi(deps, { indicator: 'Old default', owner: 'o', dataSourceId: ds.id, query: 'SELECT 1 AS value', deviationPercent: 10, sensitivity: null }, meta)).id;
  ownPercent = (await createKpi(deps, { indicator: 'Own percent', owner: 'o', dataSourceId: ds.id, query: 'SELECT 1 AS value', deviationPercent: 25, sensitivity: null }, meta)).id;
  await store.db.query(`UPDATE events SET data = jsonb_set(data #- '{kpi,sensitivity}', '{kpi,descriptionTemplate}', to_jsonb($1::text)) WHERE type = 'KpiCreated'`, [PREVIOUS_DEFAULT_DESCRIPTION_TEMPLATE]);
  await store.db.query('UPDATE kpis SET sensitivity = NULL, description_template = $1', [PREVIOUS_DEFAULT_DESCRIPTION_TEMPLATE]);
  await store.db.query("DELETE FROM schema_migrations WHERE version = 701");
  expect(await migrate(store.db)).toEqual([701]);
});
afterAll(async () => store.close());

describe('migration 0701: existing KPIs move to the adaptive band', () => {
  it('given a KPI on the old default rule (10 %), then it gets the band at medium sensitivity and no percentage, with a KpiUpdated event by system:migration', async () => {
    const kpi = await store.db.query<{ sensitivity: string | null; deviation_percent: number | null; version: number }>('SELECT sensitivity, deviation_percent, version FROM kpis WHERE id = $1', [onDefault]);
    expect(kpi.rows[0]).toEqual({ sensitivity: 'medium', deviation_percent: null, version: 2 });
    const events = await readStream(store.db, `kpi-${onDefault}`);
    expect(events.map((e) => e.type)).toEqual(['KpiCreated', 'KpiUpdated']);
    expect(events[1]).toMatchObject({
      streamVersion: 2, data: { id: onDefault, changes: {
        sensitivity: { from: null, to: 'medium' }, deviationPercent: { from: 10, to: null },
        descriptionTemplate: { from: PREVIOUS_DEFAULT_DESCRIPTION_TEMPLATE, to: DEFAULT_DESCRIPTION_TEMPLATE },
      } },
      metadata: { actor: 'system:migration' },
    });
  });

  it('given a KPI with a percentage of its own, then it keeps it (and its description), gets no band, and no event', async () => {
    const kpi = await store.db.query<{ sensitivity: string | null; deviation_percent: number | null; version: number; description_template: string }>('SELECT sensitivity, deviation_percent, version, description_template FROM kpis WHERE id = $1', [ownPercent]);
    expect(kpi.rows[0]).toEqual({ sensitivity: null, deviation_percent: 25, version: 1, description_template: PREVIOUS_DEFAULT_DESCRIPTION_TEMPLATE });
    expect((await readStream(store.db, `kpi-${ownPercent}`)).map((e) => e.type)).toEqual(['KpiCreated']);
  });

  it('then replay rebuilds the same read model from the events', async () => {
    const report = await replay(store.db, { keep: false });
    expect(report.differences).toEqual([]);
  });
});
