import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStream } from '../../src/adapters/event-store/event-store.ts';
import { replay } from '../../src/adapters/replay/replay.ts';
import { migrate } from '../../src/adapters/storage/migrate.ts';
import { createContact } from '../../src/core/contacts/contact-commands.ts';
import { commandDeps } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

let store: TestStore;
const meta = { actor: 'usr_test', correlationId: 'cor_test' };
const ids: Record<string, string> = {};

/**
 * A store as it was before contact names were unique: three contacts called Ann, two called Bob and one
 * called "Bob (2)" already. Made by creating them with distinct names now, giving them the old duplicate
 * names in the table and in their ContactCreated events, and applying migration 0920 again.
 */
beforeAll(async () => {
  store = await createTestStore();
  const clock = testClock('2026-03-02T09:00:00Z');
  const deps = commandDeps(store, clock);
  await store.db.query('DROP INDEX contacts_name_unique');
  for (const [label, name] of [['ann1', 'Ann'], ['ann2', 'Ann'], ['ann3', 'Ann'], ['bob1', 'Bob'], ['bob2', 'Bob'], ['bob-2', 'Bob (2)']] as const) {
    clock.advance(1_000);
    ids[label] = (await createContact(deps, { name: `${label} temporary`, email: `${label}@example.com` }, meta)).id;
    await store.db.query("UPDATE events SET data = jsonb_set(data, '{contact,name}', to_jsonb($2::text)) WHERE stream_id = 'contact-' || $1", [ids[label], name]);
    await store.db.query('UPDATE contacts SET name = $2 WHERE id = $1', [ids[label], name]);
  }
  await store.db.query('DELETE FROM schema_migrations WHERE version = 920');
  expect(await migrate(store.db)).toEqual([920]);
});
afterAll(async () => store.close());

const nameOf = async (id: string): Promise<string> => (await store.db.query<{ name: string }>('SELECT name FROM contacts WHERE id = $1', [id])).rows[0]!.name;

describe('migration 0920: contact names become unique', () => {
  it('keeps the oldest name and suffixes the others in order of creation, or with the id where that name is taken', async () => {
    expect([await nameOf(ids.ann1!), await nameOf(ids.ann2!), await nameOf(ids.ann3!)]).toEqual(['Ann', 'Ann (2)', 'Ann (3)']);
    expect([await nameOf(ids.bob1!), await nameOf(ids.bob2!), await nameOf(ids['bob-2']!)]).toEqual(['Bob', `Bob (${ids.bob2})`, 'Bob (2)']);
  });

  it('writes a ContactUpdated event by system:migration for each renamed contact, and replay agrees with the table', async () => {
    const events = await readStream(store.db, `contact-${ids.ann3}`);
    expect(events.map((e) => e.type)).toEqual(['ContactCreated', 'ContactUpdated']);
    expect(events[1]).toMatchObject({ data: { changes: { name: { from: 'Ann', to: 'Ann (3)' } } }, metadata: { actor: 'system:migration', correlationId: 'migration-0920-unique-contact-names' } });
    const listed = await store.db.query("SELECT 1 FROM events WHERE metadata->>'correlationId' = 'migration-0920-unique-contact-names'");
    expect(listed.rows).toHaveLength(3);
    const report = await replay(store.db);
    expect(report.differences).toEqual([]);
  });

  it('refuses a second contact of the same name from then on', async () => {
    await expect(store.db.query("UPDATE contacts SET name = 'Ann' WHERE id = $1", [ids.ann2])).rejects.toMatchObject({ code: '23505' });
    await expect(createContact(commandDeps(store), { name: 'Ann', email: 'another@example.com' }, meta)).rejects.toMatchObject({ code: 'conflict' });
  });
});
