import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents, readStream } from '../../src/adapters/event-store/event-store.ts';
import { readAll, START, type Checkpoint } from '../../src/adapters/event-store/read-all.ts';
import type { DomainEvent } from '../../src/core/events.ts';
import type { EventMeta } from '../../src/core/ports.ts';
import { testClock } from '../helpers/clock.ts';
import { createTestStore, storeKind, type TestStore } from '../helpers/store.ts';

const meta: EventMeta = { actor: 'test', correlationId: 'cor_test' };
const clock = testClock();
const activated = (id: string): DomainEvent => ({ type: 'KpiActivated', data: { id } });

let store: TestStore;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(async () => store.close());

describe('append with an expected version', () => {
  it('given a new stream, when appending with no_stream, then versions start at 1', async () => {
    const version = await store.db.transaction((tx) => appendEvents(tx, clock, 'kpi-a', 'no_stream', [activated('a'), activated('a')], meta));
    expect(version).toBe(2);
    const events = await readStream(store.db, 'kpi-a');
    expect(events.map((e) => [e.streamVersion, e.type, e.metadata.actor])).toEqual([[1, 'KpiActivated', 'test'], [2, 'KpiActivated', 'test']]);
  });

  it('given a stream at version 2, when appending expecting 1, then it is a conflict and nothing is written', async () => {
    await expect(store.db.transaction((tx) => appendEvents(tx, clock, 'kpi-a', 1, [activated('a')], meta))).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.db.transaction((tx) => appendEvents(tx, clock, 'kpi-a', 'no_stream', [activated('a')], meta))).rejects.toMatchObject({ code: 'conflict' });
    expect(await readStream(store.db, 'kpi-a')).toHaveLength(2);
  });

  it('given a rolled back transaction, then its events are gone with it', async () => {
    await expect(store.db.transaction(async (tx) => {
      await appendEvents(tx, clock, 'kpi-rollback', 'no_stream', [activated('r')], meta);
      throw new Error('read model update failed');
    })).rejects.toThrow('read model update failed');
    expect(await readStream(store.db, 'kpi-rollback')).toHaveLength(0);
  });
});

describe('numbers an event cannot hold', () => {
  it('refuses an event with ±Infinity or NaN anywhere in its data, instead of storing null', async () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      const event = { type: 'KpiUpdated', data: { id: 'k', changes: { deviationPercent: { from: 10, to: bad } } } } as DomainEvent;
      await expect(store.db.transaction((tx) => appendEvents(tx, clock, 'kpi-finite', 'any', [event], meta)))
        .rejects.toThrow('KpiUpdated holds a number that is not finite at /changes/deviationPercent/to');
    }
    expect(await readStream(store.db, 'kpi-finite')).toEqual([]);
  });
});

describe.runIf(storeKind() === 'postgres')('concurrency on a PostgreSQL server', () => {
  it('many writers racing for one stream: exactly one wins each version, the losers get a conflict, nothing is lost', async () => {
    const writers = store.openAnother(16);
    const stream = 'kpi-race';
    await writers.transaction((tx) => appendEvents(tx, clock, stream, 'no_stream', [activated('race')], meta));
    const wins: number[] = [];
    let conflicts = 0;
    // 16 writers, each trying 10 times to append at the version it last saw.
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const [last] = (await readStream(writers, stream, 1, 100_000)).slice(-1);
        try {
          wins.push(await writers.transaction(async (tx) => {
            const v = await appendEvents(tx, clock, stream, last!.streamVersion, [activated('race')], meta);
            await tx.query('SELECT pg_sleep(0.002)');
            return v;
          }));
        } catch (e) {
          expect(e).toMatchObject({ code: 'conflict' });
          conflicts++;
        }
      }
    }));
    const events = await readStream(store.db, stream, 1, 100_000);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(new Set(wins).size).toBe(wins.length);
    expect(events.length).toBe(1 + wins.length);
    expect(wins.length + conflicts).toBe(160);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('a global reader polling while transactions commit out of order never skips an event', async () => {
    const writers = store.openAnother(12);
    const reader = store.openAnother(2);
    let checkpoint: Checkpoint = START;
    const seen: number[] = [];
    let writing = true;
    const poll = (async () => {
      while (writing) {
        const page = await readAll(reader, checkpoint, 50);
        seen.push(...page.events.filter((e) => e.streamId.startsWith('kpi-w')).map((e) => e.position));
        checkpoint = page.checkpoint;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    // Each writer holds its transaction open for a random time after taking a position, so later
    // positions often commit first: the case a naive `position > last` reader gets wrong.
    const written: number[] = [];
    await Promise.all(Array.from({ length: 12 }, async (_, w) => {
      for (let i = 0; i < 15; i++) {
        await writers.transaction(async (tx) => {
          await appendEvents(tx, clock, `kpi-w${w}-${i}`, 'no_stream', [activated(`w${w}`)], meta);
          const { rows } = await tx.query<{ position: number }>('SELECT max(position)::int AS position FROM events WHERE stream_id = $1', [`kpi-w${w}-${i}`]);
          written.push(rows[0]!.position);
          await tx.query(`SELECT pg_sleep(${(Math.random() * 0.02).toFixed(3)})`);
        });
      }
    }));
    writing = false;
    await poll;
    // Drain. An empty page is not the end: the reader waits for every transaction older than its
    // snapshot, in any database of the server (other test files' included), so keep polling for a while.
    const deadline = Date.now() + 20_000;
    while (seen.length < written.length && Date.now() < deadline) {
      const page = await readAll(reader, checkpoint, 1000);
      if (page.events.length === 0) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      seen.push(...page.events.filter((e) => e.streamId.startsWith('kpi-w')).map((e) => e.position));
      checkpoint = page.checkpoint;
    }
    expect(seen.length).toBe(written.length);
    expect(new Set(seen)).toEqual(new Set(written));
  });
});
