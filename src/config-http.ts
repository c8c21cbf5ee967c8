import { isIP } from 'node:net';
import type { ConfigReader } from './config.ts';

/** The HTTP server's part of the configuration (its options are declared in config.ts's table; this shapes them). */
export interface HttpConfig {
  /** A request's headers and body must arrive within this, or it gets 408 and its connection is closed; ms. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; ms. */
  readonly keepAliveTimeoutMs: number;
  /** Larger request bodies get 413; bytes. */
  readonly bodyLimitBytes: number;
  /** Whose X-Forwarded-For gives the client address: false = nobody's, a hop count, or proxy addresses/CIDRs. */
  readonly trustProxy: false | number | readonly string[];
}

/** proxy-addr's names for address ranges, allowed in TRUST_PROXY besides addresses and CIDRs. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(r: ConfigReader): HttpConfig['trustProxy'] {
  const raw = r.optional('TRUST_PROXY');
  if (raw === null || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return r.wholeNumber('TRUST_PROXY', 1, 1, 20);
  const entries = raw.split(',').map((e) => e.trim()).filter((e) => e !== '');
  const valid = (e: string) => {
    if (PROXY_RANGES.includes(e)) return true;
    const [address, bits, ...rest] = e.split('/');
    const family = isIP(address ?? '');
    return family !== 0 && rest.length === 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
  };
  for (const e of entries) r.check(valid(e), `TRUST_PROXY must be false, a hop count (1–20) or proxy addresses/CIDRs separated by commas (${PROXY_RANGES.join(', ')} allowed); "${e}" is none of these`);
  return entries.length === 0 ? false : entries;
}

export function httpConfig(r: ConfigReader): HttpConfig {
  return {
    requestTimeoutMs: r.int('HTTP_REQUEST_TIMEOUT_SECONDS') * 1000,
    keepAliveTimeoutMs: r.int('HTTP_KEEP_ALIVE_TIMEOUT_SECONDS') * 1000,
    bodyLimitBytes: r.int('HTTP_BODY_LIMIT_BYTES'),
    trustProxy: trustProxy(r),
  };
}

