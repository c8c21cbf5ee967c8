import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a provider received it. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly json: unknown;
}

/** An answer the receiver gives: status, headers, body (JSON unless a string). */
export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/**
 * A provider's endpoint on 127.0.0.1: it checks each request against the provider's documented contract
 * (`check` returns what is wrong, or null), answers a refused request 400 with the problems — as the
 * provider would, so the test sees the delivery fail — and otherwise answers the next scripted
 * failure, or the provider's success answer.
 */
export interface ProviderReceiver {
  readonly url: string;
  readonly received: Received[];
  /** The contract violations seen (each also answered 400); a test expects none. */
  readonly violations: string[];
  /** Answers the next requests with these, in order, before going back to the success answer. */
  script(...answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startProvider(o: { check: (r: Received) => string[]; success: (r: Received) => Answer }): Promise<ProviderReceiver> {
  const received: Received[] = [];
  const violations: string[] = [];
  const queue: Answer[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, json };
      received.push(r);
      const problems = o.check(r);
      violations.push(...problems);
      const answer: Answer = problems.length > 0 ? { status: 400, body: { problems } } : (queue.shift() ?? o.success(r));
      const body = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...(answer.body !== undefined && typeof answer.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...answer.headers }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, received, violations,
    script: (...answers) => void queue.push(...answers),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** Problems of a JSON POST in general: method, content type, a JSON object body. */
export function jsonPost(r: Received): string[] {
  const out: string[] = [];
  if (r.method !== 'POST') out.push(`method ${r.method}, not POST`);
  if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) out.push(`content-type ${String(r.headers['content-type'])}`);
  if (r.json === null || typeof r.json !== 'object') out.push('the body is not a JSON object');
  return out;
}
