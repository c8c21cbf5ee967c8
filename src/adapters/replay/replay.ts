import { randomBytes } from 'node:crypto';
import type { RecordedEvent } from '../../core/ports.ts';
import { EVENT_COLUMNS, toRecordedEvent, type EventRow } from '../event-store/event-store.ts';
import { readVisible, START } from '../event-store/read-all.ts';
import type { SubscribedEvent } from '../event-store/subscription.ts';
import type { Db, Queryable } from '../storage/db.ts';
import { READ_MODELS, UnreadableStream, type ReplayableReadModel } from './read-models.ts';

export interface RowDifference {
  readonly table: string;
  readonly key: string;
  /** missing: the events have the row, the live table not; extra: the reverse; changed: see columns. */
  readonly kind: 'changed' | 'missing' | 'extra';
  /** Column name -> live value and the value rebuilt from the events. */
  readonly columns: Record<string, { live: unknown; rebuilt: unknown }>;
}

export interface ReplayReport {
  readonly events: number;
  /** Streams whose events made no row (see UnreadableStream); their live rows are left out of the diff. */
  readonly unreadable: { readonly streamId: string; readonly error: string }[];
  readonly tables: { readonly table: string; readonly rows: number; readonly differences: number }[];
  /** At most 1,000 per table. */
  readonly differences: RowDifference[];
}

/**
 * Commands stamp a row's created/updated time a moment before the event store stamps the event, so a
 * rebuilt time may be that moment earlier; more than this is a real difference.
 */
const CLOCK_SLACK_MS = 1000;
const TIME_COLUMNS = new Set(['created_at', 'updated_at']);
const PAGE = 2000;

async function* eventsInCommitOrder(q: Queryable): AsyncGenerator<SubscribedEvent[]> {
  for (let after = START; ;) {
    const page = await readVisible(q, after, PAGE);
    if (page.events.length === 0) return;
    yield page.events;
    after = page.checkpoint;
  }
}

/** Feeds every stream, whole and in version order, to the models that rebuild per stream. */
async function replayStreams(q: Queryable, models: readonly ReplayableReadModel[], unreadable: UnreadableStream[]): Promise<number> {
  let count = 0;
  let current: RecordedEvent[] = [];
  const flush = async () => {
    for (const m of current.length > 0 ? models : []) {
      try {
        await m.onStream?.(q, current[0]!.streamId, current);
      } catch (e) {
        if (!(e instanceof UnreadableStream)) throw e;
        unreadable.push(e);
      }
    }
    current = [];
  };
  let after = { streamId: '', version: 0 };
  for (;;) {
    const { rows } = await q.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE (stream_id, stream_version) > ($1, $2) ORDER BY stream_id, stream_version LIMIT ${PAGE}`,
      [after.streamId, after.version],
    );
    if (rows.length === 0) break;
    for (const e of rows.map(toRecordedEvent)) {
      if (current.length > 0 && current[0]!.streamId !== e.streamId) await flush();
      current.push(e);
      count++;
    }
    const last = rows.at(-1)!;
    after = { streamId: last.stream_id, version: last.stream_version };
  }
  await flush();
  return count;
}

function columnDifferences(live: Record<string, unknown> | null, rebuilt: Record<string, unknown> | null): RowDifference['columns'] {
  const out: RowDifference['columns'] = {};
  for (const column of new Set([...Object.keys(live ?? {}), ...Object.keys(rebuilt ?? {})])) {
    const a = live?.[column] ?? null;
    const b = rebuilt?.[column] ?? null;
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (live && rebuilt && TIME_COLUMNS.has(column) && Math.abs(Date.parse(String(a)) - Date.parse(String(b))) <= CLOCK_SLACK_MS) continue;
    out[column] = { live: a, rebuilt: b };
  }
  return out;
}

async function diffTable(q: Queryable, schema: string, table: string, key: string): Promise<{ rows: number; differences: RowDifference[] }> {
  // Not from events: the search text (derived) and the scheduler's "look at its schedule again" flag.
  const side = (s: string) => `SELECT ${key} AS k, to_jsonb(t) - 'search' - 'schedule_dirty' AS j FROM ${s}.${table} t`;
  const { rows } = await q.query<{ k: string; live: Record<string, unknown> | null; rebuilt: Record<string, unknown> | null }>(
    `SELECT coalesce(l.k, r.k)::text AS k, l.j AS live, r.j AS rebuilt
       FROM (${side('public')}) l FULL JOIN (${side(schema)}) r ON l.k = r.k
      WHERE l.j IS DISTINCT FROM r.j ORDER BY 1 LIMIT 1000`,
  );
  const { rows: counted } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.${table}`);
  const differences = rows
    .map((r) => ({ table, key: r.k, kind: r.live === null ? 'missing' as const : r.rebuilt === null ? 'extra' as const : 'changed' as const, columns: columnDifferences(r.live, r.rebuilt) }))
    .filter((d) => Object.keys(d.columns).length > 0);
  return { rows: counted[0]?.n ?? 0, differences };
}

class Discard extends Error {}

/**
 * Rebuilds every read model from the event store into fresh tables (a schema of their own, dropped
 * afterwards unless `keep`), and compares them with the live tables, all in one snapshot.
 */
export async function replay(db: Db, opts: { keep?: boolean; models?: readonly ReplayableReadModel[] } = {}): Promise<ReplayReport & { schema: string }> {
  const models = opts.models ?? READ_MODELS;
  const schema = `replay_${randomBytes(4).toString('hex')}`;
  let report: (ReplayReport & { schema: string }) | null = null;
  try {
    await db.transaction(async (tx) => {
      // One snapshot for the events and the live tables, so a write during the replay is no difference.
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await tx.query(`CREATE SCHEMA ${schema}`);
      for (const { table } of models.flatMap((m) => m.tables)) {
        await tx.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)`);
      }
      await tx.query(`SET LOCAL search_path TO ${schema}, public`);
      const unreadable: UnreadableStream[] = [];
      const events = await replayStreams(tx, models, unreadable);
      const skipped = new Set(unreadable.map((u) => u.entityId));
      for await (const batch of eventsInCommitOrder(tx)) for (const m of models) await m.onBatch?.(tx, batch);
      await tx.query('SET LOCAL search_path TO public');
      const tables: ReplayReport['tables'] = [];
      const differences: RowDifference[] = [];
      for (const { table, key } of models.flatMap((m) => m.tables)) {
        const d = await diffTable(tx, schema, table, key);
        const found = d.differences.filter((x) => !(x.kind === 'extra' && skipped.has(x.key)));
        tables.push({ table, rows: d.rows, differences: found.length });
        differences.push(...found);
      }
      report = { schema, events, tables, differences, unreadable: unreadable.map((u) => ({ streamId: u.streamId, error: u.message })) };
      if (!opts.keep) throw new Discard();
    });
  } catch (e) {
    if (!(e instanceof Discard)) throw e;
  }
  return report!;
}

const show = (v: unknown): string => (v === null ? '(none)' : JSON.stringify(v));

/** The report as an operator reads it. */
export function formatReplayReport(r: ReplayReport): string {
  const lines = [`replayed ${r.events} events`];
  for (const t of r.tables) lines.push(`  ${t.table}: ${t.rows} rows rebuilt, ${t.differences === 0 ? 'identical' : `${t.differences} differ`}`);
  for (const d of r.differences) {
    if (d.kind === 'missing') lines.push(`${d.table} ${d.key}: missing from the live table (the events say it exists)`);
    if (d.kind === 'extra') lines.push(`${d.table} ${d.key}: in the live table, but no event created it (or one deleted it)`);
    if (d.kind !== 'changed') continue;
    lines.push(`${d.table} ${d.key}:`);
    for (const [column, { live, rebuilt }] of Object.entries(d.columns)) {
      lines.push(`  ${column}: live ${show(live)}, rebuilt from events ${show(rebuilt)}`);
    }
  }
  for (const u of r.unreadable) lines.push(`stream ${u.streamId}: its events make no row (${u.error}); its live row is not compared`);
  if (r.differences.length > 0) lines.push(`${r.differences.length} rows differ from the event store`);
  if (r.unreadable.length > 0) lines.push(`${r.unreadable.length} streams could not be rebuilt from their events`);
  if (r.differences.length === 0 && r.unreadable.length === 0) lines.push('the read models match the event store');
  return lines.join('\n');
}
