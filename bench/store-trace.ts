/**
 * Counts the store's round trips and their time by statement (its first words), for the benchmarks'
 * "round trips per evaluation" and for finding where a run's store time goes (`BENCH_TRACE=1`).
 */
import type { Db, Queryable } from '../src/adapters/storage/db.ts';

export interface StoreTrace {
  readonly db: Db;
  /** Round trips so far (BEGIN and COMMIT count: each is one). */
  roundTrips(): number;
  /** The statements that took the most time, one per line. */
  report(top?: number): string;
  reset(): void;
}

const shape = (text: string): string => text.replace(/\s+/g, ' ').replace(/\$\d+/g, '$').slice(0, 90);

export function traceStore(inner: Db): StoreTrace {
  const stats = new Map<string, { n: number; ms: number }>();
  let trips = 0;
  const note = (text: string, ms: number) => {
    trips++;
    const key = shape(text);
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += ms;
    stats.set(key, s);
  };
  const timed = (q: Queryable): Queryable => ({
    async query(text, params) {
      const t = performance.now();
      try {
        return await q.query(text, params);
      } finally {
        note(text, performance.now() - t);
      }
    },
    exec: (script) => q.exec(script),
  });
  const db: Db = {
    ...inner,
    ...timed(inner),
    kind: inner.kind,
    async transaction(work) {
      const t = performance.now();
      try {
        return await inner.transaction((tx) => work(timed(tx)));
      } finally {
        trips += 2; // BEGIN and COMMIT
        note('(transaction, whole)', performance.now() - t);
        trips--;
      }
    },
    close: () => inner.close(),
  };
  return {
    db,
    roundTrips: () => trips,
    report: (top = 12) => [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
      .map(([k, s]) => `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)} x  ${k}`).join('\n'),
    reset: () => { stats.clear(); trips = 0; },
  };
}
