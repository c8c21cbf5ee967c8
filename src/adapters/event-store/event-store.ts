import { upcast } from '../../core/upcast.ts';
import { AppError } from '../../core/errors.ts';
import type { DomainEvent } from '../../core/events.ts';
import { nonFinitePath } from '../../core/shared/validation.ts';
import type { Clock, EventMeta, ExpectedVersion, RecordedEvent } from '../../core/ports.ts';
import { sqlState, UNIQUE_VIOLATION, type Queryable } from '../storage/db.ts';

const streamConflict = (streamId: string, expected: ExpectedVersion, actual?: number): AppError =>
  new AppError('conflict', `stream ${streamId} is not at the expected version ${String(expected)}`, {
    streamId,
    expectedVersion: expected,
    ...(actual === undefined ? {} : { currentVersion: actual }),
  });

/**
 * How the next versions of a stream are claimed, as the first part of the append's one statement: by
 * moving its row in `streams`. The row lock makes concurrent appenders to one stream wait for each
 * other; under READ COMMITTED the waiter re-checks the version after the winner commits and finds it
 * moved: exactly one wins each version. No row = the expected version did not hold.
 */
function claimSql(expected: ExpectedVersion): { sql: string; params: unknown[] } {
  if (expected === 'any') {
    return { sql: `INSERT INTO streams (stream_id, version) VALUES ($1, $2)
       ON CONFLICT (stream_id) DO UPDATE SET version = streams.version + EXCLUDED.version RETURNING version`, params: [] };
  }
  if (expected === 'no_stream' || expected === 0) {
    return { sql: 'INSERT INTO streams (stream_id, version) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING RETURNING version', params: [] };
  }
  return { sql: 'UPDATE streams SET version = version + $2 WHERE stream_id = $1 AND version = $7 RETURNING version', params: [expected] };
}

/**
 * Appends events to a stream in ONE statement (the versions claimed and the events written together).
 * Call it inside the transaction that also updates the read model, so that the two commit together.
 * Returns the stream's new version.
 */
export async function appendEvents(
  tx: Queryable,
  clock: Clock,
  streamId: string,
  expected: ExpectedVersion,
  events: readonly DomainEvent[],
  meta: EventMeta,
): Promise<number> {
  if (events.length === 0) throw new Error('appendEvents needs at least one event');
  for (const e of events) {
    // The last line of defence: the core refuses such numbers, and JSON would silently store null.
    const path = nonFinitePath(e.data);
    if (path !== null) throw new Error(`${e.type} holds a number that is not finite at ${path}; an event cannot store it`);
  }
  const claim = claimSql(expected);
  let rows: { stream_version: number }[];
  try {
    ({ rows } = await tx.query<{ stream_version: number }>(
      `WITH claimed AS (${claim.sql})
       INSERT INTO events (stream_id, stream_version, type, data, metadata, recorded_at)
       SELECT $1, claimed.version - $2 + e.i, e.type, e.data, $5::jsonb, $6
         FROM claimed, unnest($3::text[], $4::jsonb[]) WITH ORDINALITY AS e(type, data, i)
       RETURNING stream_version`,
      [streamId, events.length, events.map((e) => e.type), events.map((e) => JSON.stringify(e.data)), JSON.stringify(meta), clock.now(), ...claim.params],
    ));
  } catch (e) {
    // Unreachable while every append claims its versions first; kept as the last line of defence.
    if (sqlState(e) === UNIQUE_VIOLATION) throw streamConflict(streamId, expected);
    throw e;
  }
  if (rows.length === 0) throw streamConflict(streamId, expected);
  return Math.max(...rows.map((r) => Number(r.stream_version)));
}

interface EventRow {
  position: number;
  /** The xid8 transaction id as text (a bigint may not fit a number). */
  xid_text: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMeta & Record<string, unknown>;
  recorded_at: Date;
}

/**
 * The transaction id comes as text under another name: an alias `transaction_id` would make
 * `ORDER BY transaction_id` sort the text ('10000' before '9999') instead of the xid8.
 */
export const EVENT_COLUMNS = 'position, transaction_id::text AS xid_text, stream_id, stream_version, type, data, metadata, recorded_at';

export const toRecordedEvent = (r: EventRow): RecordedEvent => ({
  position: Number(r.position),
  streamId: r.stream_id,
  streamVersion: r.stream_version,
  type: r.type,
  data: upcast(r.type, r.data),
  metadata: r.metadata,
  recordedAt: new Date(r.recorded_at),
});

export type { EventRow };

/** The events of one stream from `fromVersion` (inclusive), in version order. */
export async function readStream(db: Queryable, streamId: string, fromVersion = 1, limit = 1000): Promise<RecordedEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3`,
    [streamId, fromVersion, limit],
  );
  return rows.map(toRecordedEvent);
}
