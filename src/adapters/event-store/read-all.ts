import type { RecordedEvent } from '../../core/ports.ts';
import type { Queryable } from '../storage/db.ts';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from './event-store.ts';

/**
 * Where a reader of all events stands: the commit-order key (transaction id, position) of the last
 * event it has seen. Serialised as text so that it can be stored and sent in a cursor.
 */
export interface Checkpoint {
  readonly transactionId: string;
  readonly position: number;
}

export const START: Checkpoint = { transactionId: '0', position: 0 };

export interface ReadAllResult {
  readonly events: (RecordedEvent & { readonly checkpoint: Checkpoint })[];
  /** Where to continue from; the input checkpoint when nothing new was visible. */
  readonly checkpoint: Checkpoint;
}

async function readPage(db: Queryable, after: Checkpoint, limit: number, settledOnly: boolean): Promise<ReadAllResult> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events
      WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
        ${settledOnly ? 'AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())' : ''}
      ORDER BY transaction_id, position
      LIMIT $3`,
    [after.transactionId, after.position, limit],
  );
  const events = rows.map((r) => ({ ...toRecordedEvent(r), checkpoint: { transactionId: r.xid_text, position: Number(r.position) } }));
  const lastEvent = events.at(-1);
  return { events, checkpoint: lastEvent ? lastEvent.checkpoint : after };
}

/**
 * All events after `after`, in commit order, never skipping one.
 *
 * Positions come from a sequence, and transactions commit out of sequence order: a reader that simply
 * asked for `position > last` could pass position 11 (committed) while 10 (still in flight) commits
 * later, and skip it forever. So we order by the transaction id (xid8) and read only events whose
 * transaction is older than the oldest transaction still running in our snapshot (`pg_snapshot_xmin`):
 * every such transaction has finished, so nothing can appear behind the checkpoint afterwards. The
 * price is that a long-running transaction holds readers back until it ends.
 */
export const readAll = (db: Queryable, after: Checkpoint = START, limit = 1000): Promise<ReadAllResult> => readPage(db, after, limit, true);

/**
 * Every event the caller's snapshot sees after `after`, in the same order, including those of
 * transactions younger than a running one. For a reader inside one REPEATABLE READ snapshot (replay),
 * where nothing can appear later; a polling reader needs `readAll`.
 */
export const readVisible = (db: Queryable, after: Checkpoint = START, limit = 1000): Promise<ReadAllResult> => readPage(db, after, limit, false);
