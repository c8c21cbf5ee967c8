import type { FastifyServerOptions } from 'fastify';
import type { ServerOptions } from 'node:http';

/** How the HTTP server treats clients; main.ts fills it from the configuration, tests set what they try. */
export interface HttpOptions {
  /** The whole request (headers and body) must arrive within this, or the connection gets 408 and is closed; ms, default 20 000. */
  readonly requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this; ms, default 72 000 (above common load balancers' 60 s). */
  readonly keepAliveTimeoutMs?: number;
  /** Larger request bodies are refused with 413; bytes, default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits, lockouts, events):
   * false (default: the socket's peer), a hop count, or addresses/CIDRs of the proxies.
   */
  readonly trustProxy?: false | number | readonly string[];
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;

/** A hop count trusts that many proxies nearest to us (what Fastify does with a number, which its types omit). */
function trustProxyOf(t: HttpOptions['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (t === undefined || t === false) return false;
  if (typeof t === 'number') return (_address: string, hop: number) => hop < t;
  return [...t];
}

/** The Fastify and Node server options of these settings. */
export function serverOptions(o: HttpOptions = {}): Pick<FastifyServerOptions, 'requestTimeout' | 'keepAliveTimeout' | 'bodyLimit' | 'trustProxy'> & { http: ServerOptions } {
  const requestTimeout = o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return {
    requestTimeout,
    keepAliveTimeout: o.keepAliveTimeoutMs ?? 72_000,
    bodyLimit: o.bodyLimitBytes ?? 1_048_576,
    trustProxy: trustProxyOf(o.trustProxy),
    // Node checks timeouts every connectionsCheckingInterval (30 s by default): a slow client would stay
    // up to that much longer. Headers must arrive within the same budget as the whole request.
    http: { connectionsCheckingInterval: Math.min(1_000, requestTimeout), headersTimeout: requestTimeout, requestTimeout },
  };
}
