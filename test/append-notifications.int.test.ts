import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../src/adapters/audit/audit-projection.ts';
import { listenForAppends } from '../src/adapters/event-store/append-notifications.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { buildContact } from './helpers/factories.ts';
import { storeKind } from './helpers/store.ts';

describe.runIf(storeKind() === 'postgres')('LISTEN/NOTIFY on a PostgreSQL server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  }, 120_000);
  afterAll(async () => t.close());

  it('an append wakes a subscription long before its next poll', async () => {
    const projection = createAuditProjection(t.store.db, { intervalMs: 600_000 });
    projection.start();
    await new Promise((r) => setTimeout(r, 200)); // the first poll, at start, finds nothing
    let woken = 0;
    const stop = listenForAppends(t.store.url!, () => { woken++; projection.wake(); });
    try {
      await new Promise((r) => setTimeout(r, 300)); // LISTEN is in place
      const contact = (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact() })).json<{ id: string }>();
      const deadline = Date.now() + 20_000;
      let rows = 0;
      while (rows === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        rows = (await t.store.db.query('SELECT 1 FROM audit_entries WHERE entity_id = $1', [contact.id])).rowCount;
      }
      expect(woken).toBeGreaterThan(0);
      expect(rows).toBe(1);
    } finally {
      await stop();
      await projection.stop();
    }
  });
});
