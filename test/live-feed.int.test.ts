import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll } from '../src/adapters/event-store/read-all.ts';
import { createLiveFeed, parseEventId, RESUME_LIMIT, type LiveFeed, type LiveMessage } from '../src/adapters/live/live-feed.ts';
import type { DomainEvent } from '../src/core/events.ts';
import { buildTestApp, commandDeps, type TestApp } from './helpers/app.ts';
import { createContact } from '../src/core/contacts/contact-commands.ts';
import { buildContact } from './helpers/factories.ts';
import { createTestStore, storeKind, type TestStore } from './helpers/store.ts';

let t: TestApp;
let store: TestStore;
let feed: LiveFeed;
let base: string;
beforeAll(async () => {
  store = await createTestStore();
  feed = createLiveFeed(store.db, { intervalMs: 20 });
  t = await buildTestApp({ store, overrides: { liveFeed: feed } });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);
afterAll(async () => {
  await t.close();
  await store.close();
});

/** Opens the feed (of `at`, default this file's app) and collects its text until `until` matches it or the server ends it. */
function readFeed(until: RegExp, opts: { onOpen?: () => Promise<void>; lastEventId?: string; at?: string } = {}): Promise<{ status: number; type: string; text: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const headers = { 'x-api-key': t.adminKey, ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) };
    const req = http.get(`${opts.at ?? base}/api/v1/events/live`, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes(': connected')) void opts.onOpen?.().catch(reject), (opts.onOpen = undefined);
        if (until.test(text)) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text, ended: false });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text, ended: true }));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    setTimeout(() => reject(new Error('no matching message within 20 s')), 20_000).unref();
  });
}

describe('GET /api/v1/events/live', () => {
  it('streams an audit entry for a change made after the client connected', async () => {
    const got = await readFeed(/event: audit\ndata: .*ContactCreated/, {
      onOpen: async () => void (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Live Ann' }) })),
    });
    expect(got.status).toBe(200);
    expect(got.type).toContain('text/event-stream');
    const data = JSON.parse(/event: audit\ndata: (.*ContactCreated.*)\n/.exec(got.text)![1]!);
    expect(data).toMatchObject({ eventType: 'ContactCreated', summary: expect.stringContaining('Created contact "Live Ann"') });
    expect(got.text).toMatch(/^retry: 3000/);
  });

  it('streams what the execution engine publishes', async () => {
    const got = await readFeed(/event: execution\ndata: .*kpi_1/, { onOpen: async () => feed.publish('execution', { kpiId: 'kpi_1', status: 'ok' }) });
    expect(got.text).toContain('data: {"kpiId":"kpi_1","status":"ok"}');
  });

  it('a reconnect with Last-Event-ID gets exactly the events it missed, then the live ones, none twice', async () => {
    const contact = (name: string) => t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name }) });
    const first = await readFeed(/ContactCreated.*Resume A/, { onOpen: async () => void (await contact('Resume A')) });
    const lastId = /id: (\S+)\nevent: audit\ndata: .*Resume A/.exec(first.text)![1]!;
    expect(lastId).toMatch(/^\d+:\d+$/);
    await contact('Resume B');
    await contact('Resume C');
    const again = await readFeed(/Resume D/, { lastEventId: lastId, onOpen: async () => void (await contact('Resume D')) });
    const names = [...again.text.matchAll(/event: audit\ndata: .*?Created contact \\"(Resume \w)/g)].map((m) => m[1]);
    expect(names).toEqual(['Resume B', 'Resume C', 'Resume D']);
  });

  it('an id too far behind gets a reset event; an id that is not one of ours is ignored', async () => {
    const now = await readFeed(/Resume E/, { onOpen: async () => void (await t.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Resume E' }) })) });
    const lastId = /id: (\S+)\nevent: audit\ndata: .*Resume E/.exec(now.text)![1]!;
    const many = Array.from({ length: RESUME_LIMIT + 1 }, (_, i) => ({ type: 'ContactDeleted', data: { id: `con_bulk${i}` } }) as unknown as DomainEvent);
    await commandDeps(store).uow.run((tx) => tx.events.append('contact-con_bulk', 'any', many, { actor: 'test', correlationId: 'cor_bulk' }));
    // Readers see a commit once no older transaction runs on the server (other test files' too): wait for that.
    while ((await readAll(store.db, parseEventId(lastId)!, RESUME_LIMIT + 1)).events.length <= RESUME_LIMIT) await new Promise((r) => setTimeout(r, 20));
    const behind = await readFeed(/: connected/, { lastEventId: lastId });
    // The first frame tells the client to reload; only live events may follow.
    expect(behind.text).toMatch(/^id: \d+:\d+\nevent: reset\ndata: \{"reason":"more than 1000 events were missed"\}/);
    expect(behind.text).not.toContain('Resume E');
    const foreign = await readFeed(/: connected/, { lastEventId: 'n5' });
    expect(foreign.text).not.toMatch(/event: (audit|reset)/);
  });

  it('declares the audit:read scope, like the rest of the audit trail', () => {
    expect(t.app.routeTable.find((r) => r.url === '/api/v1/events/live')?.access).toBe('audit:read');
  });
});

describe('a store that does not answer for a moment', () => {
  it('ends the stream (so the client reconnects) and serves the next connection once the store is back', async () => {
    const other = await buildTestApp({ store, overrides: { liveFeed: createLiveFeed(store.db, { intervalMs: 20 }) } });
    const at = await other.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await store.db.query('ALTER TABLE events RENAME TO events_away');
      const refused = await readFeed(/: connected/, { at }).finally(() => store.db.query('ALTER TABLE events_away RENAME TO events'));
      expect(refused).toMatchObject({ status: 200, ended: true, text: '' });
      const back = await readFeed(/Back Bea/, {
        at, onOpen: async () => void (await other.inject({ method: 'POST', url: '/api/v1/contacts', payload: buildContact({ name: 'Back Bea' }) })),
      });
      expect(back.text).toContain('Created contact \\"Back Bea\\"');
    } finally {
      await other.close();
    }
  });
});

describe.runIf(storeKind() === 'postgres')('a client connecting without Last-Event-ID', () => {
  it('gets no event committed before it connected, even one that an older open transaction kept unread', async () => {
    const node = createLiveFeed(store.openAnother(2), { intervalMs: 10 });
    await node.subscription.ready();
    const older = store.openAnother(1);
    const writer = commandDeps(store);
    // An older transaction stays open: events committed after it began are not yet read by any feed.
    let release = (): void => undefined;
    const held = older.transaction(async (tx) => {
      await tx.query('SELECT pg_current_xact_id()');
      await new Promise<void>((r) => (release = r));
    });
    await new Promise((r) => setTimeout(r, 50));
    const before = await createContact(writer, buildContact({ name: 'Committed Before' }), { actor: 'test', correlationId: 'cor_before' });
    const got: LiveMessage[] = [];
    const stop = await node.listen((m) => got.push(m));
    release();
    await held;
    await createContact(writer, buildContact({ name: 'Committed After' }), { actor: 'test', correlationId: 'cor_after' });
    const names = () => got.map((m) => (m.data as { summary: string }).summary).filter((x) => /Committed (Before|After)/.test(x));
    for (let i = 0; i < 500 && names().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    stop();
    await node.close();
    expect(before.name).toBe('Committed Before');
    expect(names()).toEqual([expect.stringContaining('Committed After')]);
  });
});

describe.runIf(storeKind() === 'postgres')('published messages on several nodes', () => {
  it('an execution published on a scheduler node reaches the listeners of another node once, and its own once', async () => {
    const schedulerNode = createLiveFeed(store.openAnother(2), { intervalMs: 20 });
    const apiNode = createLiveFeed(store.openAnother(2), { intervalMs: 20 });
    const onApi: LiveMessage[] = [];
    const onScheduler: LiveMessage[] = [];
    const stops = [await apiNode.listen((m) => onApi.push(m)), await schedulerNode.listen((m) => onScheduler.push(m))];
    schedulerNode.publish('execution', { kpiId: 'kpi_far', status: 'breach' });
    const executions = (ms: LiveMessage[]) => ms.filter((m) => m.kind === 'execution');
    for (let i = 0; i < 200 && (executions(onApi).length === 0 || executions(onScheduler).length === 0); i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100)); // a duplicate would arrive in this time
    expect(executions(onApi).map((m) => m.data)).toEqual([{ kpiId: 'kpi_far', status: 'breach' }]);
    expect(executions(onScheduler).map((m) => m.data)).toEqual([{ kpiId: 'kpi_far', status: 'breach' }]);
    for (const stop of stops) stop();
    await Promise.all([schedulerNode.close(), apiNode.close()]);
  });

  it('a message too big for NOTIFY in bytes (fewer characters than the limit) still reaches its own node', async () => {
    const node = createLiveFeed(store.openAnother(2), { intervalMs: 20 });
    const got: LiveMessage[] = [];
    const stop = await node.listen((m) => got.push(m));
    const error = 'Überschreitung '.repeat(300) + '€'.repeat(2500); // 7,000 characters, over 11,000 bytes
    node.publish('execution', { kpiId: 'kpi_wide', status: 'failed', error });
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(got.map((m) => m.data)).toEqual([{ kpiId: 'kpi_wide', status: 'failed', error }]);
    stop();
    await node.close();
  });
});
