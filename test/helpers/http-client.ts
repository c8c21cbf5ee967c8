import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RawRequest {
  readonly method: string;
  /** Sent as written (already percent-encoded where it should be); no normalisation, unlike fetch. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Give up after this long, ms (default 10 000); a stream (text/event-stream) is cut once its headers arrive. */
  readonly timeoutMs?: number;
}

/** One request over real HTTP to `base` (http://host:port), keeping connections alive through `agent`. */
export function send(base: string, req: RawRequest, agent?: http.Agent): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: url.hostname, port: url.port, method: req.method, path: req.path, agent, headers: req.headers,
      timeout: req.timeoutMs ?? 10_000,
    }, (res) => {
      if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer within ${req.timeoutMs ?? 10_000} ms: ${req.method} ${req.path}`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * Bytes straight onto a socket, for what no HTTP client sends (a broken request line, bad headers):
 * the status, headers and body of the first answer, read up to its Content-Length or the socket's end.
 */
export function sendBytes(base: string, bytes: string | Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error('no answer')), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no complete answer: ${JSON.stringify(text)}`));
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      const length = Number(headers['content-length'] ?? NaN);
      const body = data.subarray(end + 4);
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: (Number.isNaN(length) ? body : body.subarray(0, length)).toString('utf8') });
      socket.destroy();
    };
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c]);
      const text = data.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const m = /content-length:\s*(\d+)/i.exec(text.slice(0, Math.max(end, 0)));
      if (end >= 0 && m && data.length >= end + 4 + Number(m[1])) finish();
    });
    socket.on('end', finish);
    socket.on('error', (e) => (data.length > 0 ? finish() : reject(e)));
    socket.write(bytes);
  });
}

/** What every error answer must be: application/problem+json in the one shape, its status the HTTP status. */
export function problemShapeErrors(res: RawResponse): string[] {
  const problems: string[] = [];
  if (!String(res.headers['content-type'] ?? '').startsWith('application/problem+json')) problems.push(`content-type ${String(res.headers['content-type'])}`);
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return [...problems, `body is not JSON: ${res.body.slice(0, 120)}`];
  }
  for (const k of ['type', 'title', 'code', 'detail', 'instance', 'requestId']) if (typeof p[k] !== 'string') problems.push(`${k} missing`);
  if (p.status !== res.status) problems.push(`status ${String(p.status)} in the body, ${res.status} on the wire`);
  return problems;
}
