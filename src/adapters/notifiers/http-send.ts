import type { DeliveryResult } from '../../core/alerts/delivery.ts';

/** One HTTP request of a provider's contract (all are JSON POSTs). */
export interface HttpRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface SendOptions {
  /** How errors name the target: `pagerduty "On-call"`, never its address (which may hold a token). */
  readonly label: string;
  readonly timeoutMs: number;
  /** Values scrubbed from every error text (keys, tokens, URLs), whatever the provider echoes back. */
  readonly secrets: readonly string[];
  readonly now: Date;
}

/** Retry-After as seconds or an HTTP date, or a JSON body's `retry_after` (Telegram's parameters, Discord's), in ms. */
export function retryAfterMs(header: string | null, body: unknown, now: Date): number | undefined {
  if (header !== null && header.trim() !== '') {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  const b = body as { retry_after?: unknown; parameters?: { retry_after?: unknown } } | null;
  const fromBody = typeof b?.parameters?.retry_after === 'number' ? b.parameters.retry_after : typeof b?.retry_after === 'number' ? b.retry_after : undefined;
  return fromBody === undefined ? undefined : Math.max(0, Math.ceil(fromBody * 1000));
}

export const scrub = (text: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join('[secret]'), text);

/**
 * At most `max` bytes of the answer: a provider's answer is short, a hostile one may be endless or drip.
 * Read through the body's reader, which the request's timeout signal stops (`response.text()` waited
 * past it in the tests of a dripping and of an endless body). The rest is dropped.
 */
async function readSome(response: Response, max = 65_536): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/**
 * POSTs each request in turn; the first that fails decides. A 2xx is success; 429, 408 and 5xx (and no
 * answer at all) are retried, after Retry-After when the provider gives one; any other 4xx is permanent
 * (a wrong key or a removed webhook does not heal by waiting). Redirects are refused: a token must not
 * follow one to another host.
 */
export async function sendAll(requests: readonly HttpRequest[], o: SendOptions): Promise<DeliveryResult> {
  for (const r of requests) {
    let response: Response;
    try {
      response = await fetch(r.url, {
        method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'MonitoringGrid', ...r.headers },
        body: JSON.stringify(r.body), signal: AbortSignal.timeout(o.timeoutMs), redirect: 'error',
      });
    } catch (e) {
      const why = e instanceof Error ? (e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms (timeout)` : e.message) : String(e);
      return { ok: false, error: scrub(`${o.label}: ${why}`, o.secrets).slice(0, 500) };
    }
    const text = await readSome(response).catch(() => '');
    if (response.status >= 200 && response.status < 300) continue;
    const body = parse(text);
    const error = scrub(`${o.label} answered HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`, o.secrets).slice(0, 500);
    const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
    if (!retryable) return { ok: false, error, permanent: true };
    return { ok: false, error, retryAfterMs: retryAfterMs(response.headers.get('retry-after'), body, o.now) };
  }
  return { ok: true };
}
