import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditProjection } from '../../src/adapters/audit/audit-projection.ts';
import { readAll, readVisible, START, type Checkpoint } from '../../src/adapters/event-store/read-all.ts';
import { createSubscription, type SubscribedEvent } from '../../src/adapters/event-store/subscription.ts';
import { createIdGenerator } from '../../src/adapters/ids.ts';
import { createLiveFeed, type LiveMessage } from '../../src/adapters/live/live-feed.ts';
import { replay } from '../../src/adapters/replay/replay.ts';
import { createSecretBox } from '../../src/adapters/crypto/secret-box.ts';
import type { Db } from '../../src/adapters/storage/db.ts';
import { migrate } from '../../src/adapters/storage/migrate.ts';
import { openPgDb } from '../../src/adapters/storage/pg-db.ts';
import { openPgliteDb } from '../../src/adapters/storage/pglite-db.ts';
import { createUnitOfWork } from '../../src/adapters/storage/unit-of-work.ts';
import { createContact, updateContact } from '../../src/core/contacts/contact-commands.ts';
import type { CommandDeps } from '../../src/core/ports.ts';
import { testClock } from '../helpers/clock.ts';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.ts';
import { storeKind } from '../helpers/store.ts';
import { settle } from '../helpers/subscriptions.ts';

/**
 * Transaction ids sort as text wrongly at every new digit: '10000' < '1001' < '990'. A store crosses
 * 1,000 and 10,000 early in its life, so this file writes events on both sides of both boundaries and
 * reads them with batches smaller than the events above each boundary. On the server it uses a cluster
 * of its own (a fresh one starts near xid 730; the shared server's counter is wherever other tests left it).
 */
const meta = { actor: 'test', correlationId: 'cor_order' };
const clock = testClock('2026-03-02T09:00:00Z');
let own: OwnPostgres | null = null;
let db: Db;
let deps: CommandDeps;
/** Positions in the order their transactions committed (one writer, one event per transaction). */
const written: number[] = [];
const xids: bigint[] = [];
const contacts: string[] = [];

const currentXid = async (): Promise<bigint> => BigInt((await db.query<{ x: string }>('SELECT pg_current_xact_id()::text AS x')).rows[0]!.x);

/** Uses up transaction ids until the next one is `target`. */
async function advanceTo(target: bigint): Promise<void> {
  const now = await currentXid();
  if (now + 1n < target) await db.query(`CALL burn_xids(${Number(target - now - 1n)})`);
}

async function writeOne(i: number): Promise<void> {
  if (contacts.length < 3 || i % 2 === 0) contacts.push((await createContact(deps, { name: `Order ${i}`, email: `o${i}@example.com` }, meta)).id);
  else await updateContact(deps, contacts[i % contacts.length]!, { name: `Order ${i} renamed` }, undefined, meta);
  const { rows } = await db.query<{ position: number; x: string }>('SELECT position::int AS position, transaction_id::text AS x FROM events ORDER BY position DESC LIMIT 1');
  written.push(rows[0]!.position);
  xids.push(BigInt(rows[0]!.x));
}

beforeAll(async () => {
  if (storeKind() === 'postgres') {
    own = await startOwnPostgres();
    db = openPgDb({ connectionString: own.url, max: 4 });
  } else {
    db = await openPgliteDb();
  }
  await migrate(db);
  await db.query('CREATE PROCEDURE burn_xids(n int) LANGUAGE plpgsql AS $$ BEGIN FOR i IN 1..n LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$');
  deps = { clock, ids: createIdGenerator(clock), secrets: createSecretBox(randomBytes(32)), uow: createUnitOfWork(db, clock) };
  let i = 0;
  for (; i < 5; i++) await writeOne(i);
  await advanceTo(996n);
  for (; i < 15; i++) await writeOne(i); // xids 996 ... 1005
  await advanceTo(9993n);
  for (; i < 30; i++) await writeOne(i); // xids 9993 ... 10007
}, 120_000);
afterAll(async () => {
  await db?.close();
  await own?.stop();
});

const positions = (events: readonly { position: number }[]) => events.map((e) => e.position);

async function readPaged(read: typeof readAll, batch: number): Promise<SubscribedEvent[]> {
  const out: SubscribedEvent[] = [];
  let cp: Checkpoint = START;
  for (;;) {
    const page = await read(db, cp, batch);
    if (page.events.length === 0) return out;
    out.push(...page.events);
    cp = page.checkpoint;
  }
}

describe('event readers across transaction-id boundaries (1,000 and 10,000)', () => {
  it('the store under test really crosses both boundaries', () => {
    expect(xids.some((x) => x < 1000n)).toBe(true);
    expect(xids.filter((x) => x >= 1000n && x < 10_000n).length).toBeGreaterThan(3);
    expect(xids.filter((x) => x >= 10_000n).length).toBeGreaterThan(3);
  });

  it('readAll pages through every event exactly once, in commit order', async () => {
    expect(positions(await readPaged(readAll, 3))).toEqual(written);
  });

  it("replay's reader (every event in the snapshot) does too", async () => {
    expect(positions(await readPaged(readVisible, 3))).toEqual(written);
  });

  it('a durable subscription with small batches handles every event once, in commit order', async () => {
    const handled: number[] = [];
    const sub = createSubscription({ name: 'order-test', db, durable: true, batchSize: 3, handle: async (events) => void handled.push(...positions(events)) });
    await settle(sub);
    expect(handled).toEqual(written);
    expect(await sub.lag()).toBe(0);
  });

  it('an in-memory subscription starts at the newest event: it hands on only what is written after it started', async () => {
    const handled: number[] = [];
    const sub = createSubscription({ name: 'order-memory', db, durable: false, batchSize: 3, handle: async (events) => void handled.push(...positions(events)) });
    await sub.ready();
    expect(sub.checkpoint()).toEqual({ transactionId: String(xids.at(-1)), position: written.at(-1) });
    await updateContact(deps, contacts[0]!, { name: 'After the start' }, undefined, meta);
    await settle(sub);
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBeGreaterThan(written.at(-1)!);
  });

  it('the audit trail names every entity, and replay rebuilds it identically', async () => {
    const audit = createAuditProjection(db);
    await settle(audit);
    const { rows } = await db.query<{ summary: string }>('SELECT summary FROM audit_entries ORDER BY position');
    const events = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
    expect(rows).toHaveLength(events);
    for (const r of rows) expect(r.summary).toMatch(/contact "Order|contact "After/);
    const report = await replay(db);
    expect(report.differences).toEqual([]);
  });

  it('a live feed started afresh (a restarted service) sends a client only what is committed after it connected', async () => {
    const feed = createLiveFeed(db, { intervalMs: 10 });
    const got: LiveMessage[] = [];
    const stop = await feed.listen((m) => got.push(m));
    await updateContact(deps, contacts[1]!, { name: 'Live after restart' }, undefined, meta);
    for (let i = 0; i < 300 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100)); // a stale event would arrive in this time too
    stop();
    await feed.close();
    expect(got.map((m) => (m.data as { summary: string }).summary)).toEqual([expect.stringContaining('Live after restart')]);
  });
});
