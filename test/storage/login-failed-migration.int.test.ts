import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../../src/adapters/audit/audit-projection.ts';
import { appendEvents, readStream } from '../../src/adapters/event-store/event-store.ts';
import { replay } from '../../src/adapters/replay/replay.ts';
import { migrate } from '../../src/adapters/storage/migrate.ts';
import { testClock } from '../helpers/clock.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';
import { settle } from '../helpers/subscriptions.ts';

/** Migration 0621: what an unknown user's failed login kept of the typed username is gone, from events and the trail. */
let store: TestStore;
const typed = 'Correct-Horse-Battery-Staple-7';

beforeAll(async () => {
  store = await createTestStore();
  const clock = testClock();
  // As LoginFailed was written before issue 12: the attempted username verbatim.
  await store.db.transaction((tx) => appendEvents(tx, clock, 'security', 'any', [
    { type: 'LoginFailed', data: { username: typed, userId: null, reason: 'unknown_user' } },
    { type: 'LoginFailed', data: { username: 'ada', userId: 'usr_ada', reason: 'bad_password' } },
    // Named after the typed text in the trail: the entity `security` had taken it as its name.
    { type: 'AuthenticationFailed', data: { method: 'bearer', reason: 'invalid_token', keyId: null } },
  ], { actor: 'anonymous', correlationId: 'cor_1', clientIp: '203.0.113.5' }));
  const audit = createAuditProjection(store.db);
  await settle(audit);
  await audit.stop();
  expect(JSON.stringify((await store.db.query('SELECT summary FROM audit_entries')).rows)).toContain(typed);
  await store.db.query('DELETE FROM schema_migrations WHERE version = 621');
  expect(await migrate(store.db)).toEqual([621]);
});
afterAll(async () => store.close());

describe('migration 0621', () => {
  it('the typed text is in no event and no audit entry; a known user\'s failure keeps its name', async () => {
    const events = await readStream(store.db, 'security');
    expect(events.map((e) => e.data)).toEqual([
      { username: null, userId: null, reason: 'unknown_user' },
      { username: 'ada', userId: 'usr_ada', reason: 'bad_password' },
      { method: 'bearer', reason: 'invalid_token', keyId: null },
    ]);
    const entries = await store.db.query<{ summary: string }>('SELECT summary FROM audit_entries ORDER BY position');
    expect(JSON.stringify(entries.rows)).not.toContain(typed);
    expect(JSON.stringify((await store.db.query('SELECT * FROM audit_entity_names')).rows)).not.toContain(typed);
    expect((await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entries WHERE search @@ to_tsquery('simple', 'Correct')`)).rows[0]!.n).toBe(0);
  });

  it('replay rebuilds the same trail from the events', async () => {
    expect((await replay(store.db, { keep: false })).differences).toEqual([]);
  });
});
