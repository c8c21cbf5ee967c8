/**
 * Event-store append throughput: 8 concurrent writers appending one event per transaction (with an
 * expected version, the way commands do) against a baseline of a raw INSERT of the same rows into a
 * table of the same shape, same connections, same concurrency, same run.
 * Run alone with `npx tsx bench/append.ts`; `npm run bench` runs it with the others.
 */
import { pathToFileURL } from 'node:url';
import { appendEvents } from '../src/adapters/event-store/event-store.ts';
import type { Db } from '../src/adapters/storage/db.ts';
import type { EventMeta } from '../src/core/ports.ts';
import { createTestStore } from '../test/helpers/store.ts';

const WRITERS = 8;
const PER_WRITER = Number(process.env.BENCH_APPEND_EVENTS ?? 1500);
const meta: EventMeta = { actor: 'bench', correlationId: 'cor_bench', clientIp: '127.0.0.1' };
const clock = { now: () => new Date() };

async function timed(label: string, db: Db, writer: (w: number, i: number) => Promise<unknown>) {
  const started = performance.now();
  await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = 0; i < PER_WRITER; i++) await writer(w, i);
  }));
  const seconds = (performance.now() - started) / 1000;
  return { label, perSecond: (WRITERS * PER_WRITER) / seconds };
}

export interface BenchRow {
  readonly name: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
}

export async function benchAppend(): Promise<BenchRow[]> {
  const store = await createTestStore('postgres', { max: WRITERS + 2 });
  try {
    const db = store.db;
    await db.exec('CREATE TABLE raw_events (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY)');
    const data = (w: number, i: number) => ({ id: `kpi_${w}_${i}`, changes: { deviationPercent: { from: 10, to: 20 } } });
    // Warm both paths so neither pays for connection set-up in the measurement.
    await db.query('SELECT 1');
    const raw = await timed('raw INSERT', db, (w, i) =>
      db.query('INSERT INTO raw_events (stream_id, stream_version, type, data, metadata, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        `kpi-${w}`, i + 1, 'KpiUpdated', JSON.stringify(data(w, i)), JSON.stringify(meta), new Date(),
      ]));
    const appended = await timed('appendEvents', db, (w, i) =>
      db.transaction((tx) => appendEvents(tx, clock, `kpi-${w}`, i === 0 ? 'no_stream' : i, [{ type: 'KpiUpdated', data: data(w, i) }], meta)));
    return [{
      name: `event append, ${WRITERS} writers, 1 event/transaction (events/s)`,
      value: appended.perSecond.toFixed(0),
      baseline: `${raw.perSecond.toFixed(0)} (raw INSERT)`,
      ratio: (appended.perSecond / raw.perSecond).toFixed(2),
    }];
  } finally {
    await store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchAppend());
}
