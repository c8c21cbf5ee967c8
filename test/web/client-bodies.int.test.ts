import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 12: the dashboard's API client releases every response body it does not read (a refused
 * request it retries, a refused refresh, a refused live feed), so its connections go back to the
 * browser's pool. Real fetch against a real server whose refusals stream bodies that never end: such a
 * response closes only when the client cancels its body.
 */
const store = new Map<string, string>();
Object.assign(globalThis, {
  // The page's storage; Node has none. Enough for credentials.ts.
  localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
  addEventListener: () => undefined,
});

let server: http.Server;
let base: string;
let refreshWorks = true;
const endless: { path: string; closed: boolean }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const endlessRefusal = (status: number) => {
      const entry = { path: req.url ?? '', closed: false };
      endless.push(entry);
      res.on('close', () => (entry.closed = true));
      res.writeHead(status, { 'content-type': 'application/problem+json' });
      res.write('{"title":"refused","detail":"');
    };
    const auth = req.headers.authorization;
    if (req.url === '/api/v1/auth/refresh') {
      if (!refreshWorks) return endlessRefusal(401);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ accessToken: 'new', refreshToken: 'r2', user: { username: 'ada' } }));
    }
    if (auth === 'Bearer old') {
      if (req.url === '/api/v1/kpis') return endlessRefusal(401);
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      return res.end('{"title":"Authentication required","detail":"expired"}');
    }
    if (req.url === '/api/v1/events/live') return endlessRefusal(403);
    if (req.url === '/api/v1/auth/me') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ kind: 'key', id: 'key_1', name: 'k', scopes: ['audit:read'] }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[]');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const realFetch = globalThis.fetch;
  // The page's fetch resolves /api/v1/... against its origin; here the origin is the test server.
  globalThis.fetch = (input, init) => realFetch(new URL(String(input), base), init);
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const closedSoon = async (path: string) => {
  for (let i = 0; i < 40 && !endless.find((e) => e.path === path)?.closed; i++) await new Promise((r) => setTimeout(r, 50));
  return endless.find((e) => e.path === path)?.closed ?? false;
};

describe('the API client releases the bodies it does not read', () => {
  it('a 401 it answers by rotating the session and retrying', async () => {
    const { setCredentials } = await import('../../web/src/api/credentials.ts');
    const { api } = await import('../../web/src/api/client.ts');
    setCredentials({ kind: 'session', username: 'ada', accessToken: 'old', refreshToken: 'r1' });
    expect(await api.get('kpis')).toEqual([]);
    expect(await closedSoon('/api/v1/kpis')).toBe(true);
  });

  it('a refused refresh', async () => {
    const { setCredentials } = await import('../../web/src/api/credentials.ts');
    const { api } = await import('../../web/src/api/client.ts');
    refreshWorks = false;
    setCredentials({ kind: 'session', username: 'ada', accessToken: 'old', refreshToken: 'r1' });
    await expect(api.get('contacts')).rejects.toMatchObject({ status: 401 });
    expect(await closedSoon('/api/v1/auth/refresh')).toBe(true);
  });

  it('a live feed it is refused', async () => {
    const { setCredentials } = await import('../../web/src/api/credentials.ts');
    const { subscribeLive } = await import('../../web/src/api/live.ts');
    setCredentials({ kind: 'key', key: 'mgk_x' });
    const stop = subscribeLive(() => undefined);
    expect(await closedSoon('/api/v1/events/live')).toBe(true);
    stop();
  });
});
