import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAudit, type AuditFilter } from '../src/adapters/storage/audit.repo.ts';
import { fixtureEntry, FIXTURE_START, FIXTURE_STEP_MS, insertAuditFixture, type FixtureEntry } from './helpers/audit-fixture.ts';
import { createTestStore, type TestStore } from './helpers/store.ts';

const N = 100_000;
let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
  await insertAuditFixture(store.db, N);
}, 120_000);
afterAll(async () => store.close());

/** What a filter must return, newest first, computed from the fixture's formula (not from the store). */
const expected = (match: (e: FixtureEntry) => boolean, limit: number): number[] => {
  const out: number[] = [];
  for (let i = N; i >= 1 && out.length < limit; i--) if (match(fixtureEntry(i))) out.push(i);
  return out;
};

/** Reads every page of a filter and returns the positions, checking the pages join up. */
async function allPages(filter: Omit<AuditFilter, 'cursor' | 'limit'>, limit: number, maxPages = 50): Promise<number[]> {
  const positions: number[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await searchAudit(store.db, { ...filter, cursor, limit });
    positions.push(...result.items.map((e) => e.position));
    if (result.nextCursor === null) break;
    cursor = result.nextCursor;
  }
  return positions;
}

describe(`audit search over ${N.toLocaleString('en')} entries`, () => {
  it('by entity: the whole history of one KPI across pages', async () => {
    expect(await allPages({ entityType: 'kpi', entityId: 'kpi_E1234' }, 7)).toEqual(expected((e) => e.entityId === 'kpi_E1234', 1000));
  });

  it('by entity type alone: newest first, page after page', async () => {
    expect(await allPages({ entityType: 'alert' }, 50, 3)).toEqual(expected((e) => e.entityType === 'alert', 150));
  });

  it('by event type (one or several)', async () => {
    expect(await allPages({ eventTypes: ['AlertResolved'] }, 100, 1)).toEqual(expected((e) => e.eventType === 'AlertResolved', 100));
    expect(await allPages({ eventTypes: ['ContactUpdated', 'DataSourceUpdated'] }, 100, 1))
      .toEqual(expected((e) => e.eventType === 'ContactUpdated' || e.eventType === 'DataSourceUpdated', 100));
  });

  it('by actor within a time range', async () => {
    const from = new Date(FIXTURE_START + 40_000 * FIXTURE_STEP_MS);
    const to = new Date(FIXTURE_START + 41_000 * FIXTURE_STEP_MS);
    const got = await allPages({ actor: 'usr_3', from, to }, 500);
    expect(got).toEqual(expected((e) => e.actor === 'usr_3' && e.recordedAt >= from && e.recordedAt < to, 1000));
    expect(got.length).toBeGreaterThan(5);
  });

  it('by correlation id: everything one request caused', async () => {
    expect(await allPages({ correlationId: 'cor_20000' }, 50)).toEqual([60_002, 60_001, 60_000]);
  });

  it('by free text, every word a prefix, combined with an entity type', async () => {
    const got = await allPages({ q: 'payout kpideact', entityType: 'kpi' }, 50, 2);
    expect(got).toEqual(expected((e) => e.eventType === 'KpiDeactivated' && e.word === 'Payouts', 100));
    expect(got.length).toBeGreaterThan(0);
  });

  it('by changed field, with the diff in each entry', async () => {
    const page = await searchAudit(store.db, { field: 'maxThreshold', entityId: 'kpi_E3', limit: 500 });
    expect(page.items.map((e) => e.position)).toEqual(expected((e) => e.entityId === 'kpi_E3' && e.eventType === 'KpiUpdated', 1000));
    expect(page.items[0]!.changes).toEqual({ maxThreshold: { from: page.items[0]!.position % 100, to: (page.items[0]!.position % 100) + 10 } });
  });

  it('by time range alone, at the far end of the history', async () => {
    const to = new Date(FIXTURE_START + 100 * FIXTURE_STEP_MS);
    expect(await allPages({ to }, 40)).toEqual(expected((e) => e.recordedAt < to, 1000));
  });
});
