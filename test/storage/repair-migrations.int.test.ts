import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/adapters/storage/migrate.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

/** Migrations that repair what earlier versions wrote: each given the old rows, then applied. */
let store: TestStore;
beforeAll(async () => {
  store = await createTestStore(undefined, { migrate: false });
  await migrate(store.db, loadMigrations().filter((m) => m.version < 610));
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
  });
});
