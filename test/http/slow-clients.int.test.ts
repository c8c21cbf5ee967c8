import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { problemShapeErrors } from '../helpers/http-client.ts';

/** Issue 12, what must hold 8: slow clients are cut off, authenticated or not; HEAD on the live feed answers at once. */
let t: TestApp;
let port: number;
const REQUEST_TIMEOUT_MS = 2_000;

beforeAll(async () => {
  t = await buildTestApp({ overrides: { http: { requestTimeoutMs: REQUEST_TIMEOUT_MS } } });
  const url = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
  port = Number(url.port);
});
afterAll(async () => t.close());

interface Ended { readonly afterMs: number; readonly answer: string }

/** Sends `head`, then one byte of the body every 300 ms, never finishing; resolves when the server closes the socket. */
function slowClient(head: string): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const drip = setInterval(() => socket.writable && socket.write('x'), 300);
    const giveUp = setTimeout(() => socket.destroy(new Error('still open after 20 s')), 20_000);
    socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    socket.on('error', (e) => (e.message.startsWith('still open') ? reject(e) : undefined));
    socket.on('close', () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve({ afterMs: Date.now() - started, answer });
    });
    socket.write(head);
  });
}

const bodyHead = (headers: string) => `POST /api/v1/contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n${headers}\r\n`;

describe('slow clients', () => {
  it('slow bodies are cut off at the request timeout, with a key and without one, each answered 408 problem+json or 401', async () => {
    const withKey = Array.from({ length: 10 }, () => slowClient(bodyHead(`X-API-Key: ${t.adminKey}\r\n`)));
    const without = Array.from({ length: 5 }, () => slowClient(bodyHead('')));
    const ended = await Promise.all([...withKey, ...without]);
    for (const e of ended) expect(e.afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
    for (const e of ended.slice(0, 10)) {
      expect(e.answer).toMatch(/^HTTP\/1\.1 408 /);
      const [head, body] = e.answer.split('\r\n\r\n') as [string, string];
      const headers = Object.fromEntries(head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      expect(problemShapeErrors({ status: 408, headers, body })).toEqual([]);
    }
    // Without a key the refusal comes at once; the body it will never read does not keep the connection.
    for (const e of ended.slice(10)) expect(e.answer).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('headers that never end are cut off too', async () => {
    const e = await slowClient('GET /api/v1/kpis HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(e.afterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_500);
    expect(e.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('HEAD on the live feed answers at once, with no stream to keep open', async () => {
    const started = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events/live`, { method: 'HEAD', headers: { 'x-api-key': t.adminKey }, signal: AbortSignal.timeout(3_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(Date.now() - started).toBeLessThan(1_000);
    const anonymous = await fetch(`http://127.0.0.1:${port}/api/v1/events/live`, { method: 'HEAD', signal: AbortSignal.timeout(3_000) });
    expect(anonymous.status).toBe(401);
  });
});
