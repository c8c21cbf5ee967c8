import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KPIS, ensureDemoEntities } from '../../src/adapters/demo/demo-setup.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { commandDeps } from '../helpers/app.ts';
import { createTestStore, type TestStore } from '../helpers/store.ts';

let store: TestStore;
let deps: CommandDeps;
beforeAll(async () => {
  store = await createTestStore();
  deps = commandDeps(store);
});
afterAll(async () => store.close());

describe('the demo entities', () => {
  it('are created once through the ordinary commands, then left alone', async () => {
    const meta = { actor: 'demo', correlationId: 'cor_demo' };
    expect(await ensureDemoEntities(deps, '/tmp/demo.sqlite', meta)).toEqual({ created: 1 + 2 + DEMO_KPIS.length });
    expect(await ensureDemoEntities(deps, '/tmp/demo.sqlite', meta)).toEqual({ created: 0 });
    const kpis = (await deps.uow.read.kpis.list({ limit: 10 })).items;
    expect(kpis.map((k) => k.indicator).sort()).toEqual(DEMO_KPIS.map((k) => k.indicator).sort());
    expect(kpis.every((k) => k.contactIds.length === 2 && k.active)).toBe(true);
    const { rows } = await store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE metadata->>'actor' = 'demo'");
    expect(rows[0]!.n).toBe(1 + 2 + DEMO_KPIS.length);
  });
});
