import type { Queryable } from '../storage/db.ts';

/** Which transactions had committed at one moment: PostgreSQL's `pg_current_snapshot()`. */
export interface Snapshot {
  /** Every transaction below this had ended. */
  readonly xmin: bigint;
  /** None at or above this had started. */
  readonly xmax: bigint;
  /** Between the two: the ones still running. */
  readonly running: ReadonlySet<bigint>;
}

/** `xmin:xmax:xip,xip` as PostgreSQL writes a pg_snapshot. */
export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip = ''] = text.split(':');
  return { xmin: BigInt(xmin!), xmax: BigInt(xmax!), running: new Set(xip === '' ? [] : xip.split(',').map(BigInt)) };
}

export async function currentSnapshot(q: Queryable): Promise<Snapshot> {
  const { rows } = await q.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
  return parseSnapshot(rows[0]!.s);
}

/**
 * Whether a transaction (an event's, as text) had committed when the snapshot was taken; the same
 * rule as `pg_visible_in_snapshot`, without a round trip per event. (An aborted one leaves no events.)
 */
export function committedBefore(s: Snapshot, transactionId: string): boolean {
  const xid = BigInt(transactionId);
  return xid < s.xmin || (xid < s.xmax && !s.running.has(xid));
}
