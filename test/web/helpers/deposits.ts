import type { MonitoredDb, TxRow } from '../../helpers/monitored.ts';

const WEEK = 7 * 24 * 3_600_000;

/** `n` deposits spread over [end - 50 min, end - 10 min]: inside the one-hour window ending at `end` even if the run is late. */
export const depositsBefore = (end: number, n: number): TxRow[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'deposit', done: true, updatedAt: new Date(end - 50 * 60_000 + i * 60_000), country: 'DE', amount: 10 }));

/** Four past weeks with 20 deposits in this hour (the baseline), and 20 now as well, so a first run is ok. */
export const seedSteadyDeposits = (monitored: MonitoredDb, now = Date.now()): Promise<void> =>
  monitored.insert([0, 1, 2, 3, 4].flatMap((w) => depositsBefore(now - w * WEEK, 20)));
