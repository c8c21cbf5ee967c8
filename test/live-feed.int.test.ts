import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveFeed, type LiveFeed } from '../src/adapters/live/live-feed.ts';
import { buildTestApp, type TestApp } from './helpers/app.ts';
import { buildContact } from './helpers/factories.ts';
import { createTestStore, type TestStore } from './helpers/store.ts';

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

/** Opens the feed and collects its text until `until` matches it. */
function readFeed(until: RegExp, opts: { onOpen?: () => Promise<void> } = {}): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/api/v1/events/live`, { headers: { 'x-api-key': t.adminKey } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes(': connected')) void opts.onOpen?.().catch(reject), (opts.onOpen = undefined);
        if (until.test(text)) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text });
        }
      });
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
    const data = JSON.parse(/event: audit\ndata: (.*)\n/.exec(got.text)![1]!);
    expect(data).toMatchObject({ eventType: 'ContactCreated', summary: expect.stringContaining('Created contact "Live Ann"') });
    expect(got.text).toMatch(/^retry: 3000/);
  });

  it('streams what the execution engine publishes', async () => {
    const got = await readFeed(/event: execution\ndata: .*kpi_1/, { onOpen: async () => feed.publish('execution', { kpiId: 'kpi_1', status: 'ok' }) });
    expect(got.text).toContain('data: {"kpiId":"kpi_1","status":"ok"}');
  });

  it('declares the audit:read scope, like the rest of the audit trail', () => {
    expect(t.app.routeTable.find((r) => r.url === '/api/v1/events/live')?.access).toBe('audit:read');
  });
});
