import { authHeaders, getCredentials, setCredentials, type Credentials } from './credentials.ts';
import type { ApiResponse } from './generated.ts';

/** The API's problem+json, reduced to what a page shows: `errors` carry JSON-pointer paths (`/name`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(detail || title);
  }
  /** Field errors by path without the leading slash (`frequencyMinutes`, `rule/threshold`). */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries(this.errors.map((e) => [e.path.replace(/^\//, ''), e.message]));
  }
}

export const API_BASE = '/api/v1';
type Query = Record<string, string | number | boolean | undefined | null>;

/** What POST /auth/login and /auth/refresh answer. */
type Tokens = ApiResponse<'/api/v1/auth/login', 'post'>;

/**
 * Lets go of a response whose body will not be used: until its body is read to the end or cancelled, a
 * response holds its connection, and the browser has only a few per server. The body is drained (an
 * error body is small; the browser then counts the request as finished) and cancelled if it has not
 * ended within `cancelAfterMs` (a stream).
 */
export function release(res: Response, cancelAfterMs = 1_000): void {
  if (!res.body || res.bodyUsed) return;
  const reader = res.body.getReader();
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), cancelAfterMs);
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // cancelled, or the connection failed: either way the body no longer holds it
    } finally {
      clearTimeout(timer);
    }
  })();
}

async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { title?: string; detail?: string; errors?: FieldError[] } | null;
  return new ApiError(res.status, body?.title ?? res.statusText, body?.detail ?? '', body?.errors ?? []);
}

// One refresh at a time: a refresh token works once, so two parallel 401s must share the exchange.
let refreshing: Promise<boolean> | null = null;

async function refreshSession(used: Credentials): Promise<boolean> {
  if (used.kind !== 'session') return false;
  const now = getCredentials();
  if (now?.kind === 'session' && now.accessToken !== used.accessToken) return true; // another call already rotated
  refreshing ??= (async () => {
    try {
      const res = await fetch(`${API_BASE}/auth/refresh`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: used.refreshToken }),
      });
      if (!res.ok) {
        release(res);
        return false;
      }
      const t = (await res.json()) as Tokens;
      setCredentials({ kind: 'session', username: t.user.username, accessToken: t.accessToken, refreshToken: t.refreshToken });
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * Sends a request with the caller's credentials, retrying once after rotating an expired session.
 * An unrecoverable 401 signs the caller out (the app shows the login page). Throws ApiError on 4xx/5xx.
 */
export async function authorizedFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = (c: Credentials | null) => fetch(path.startsWith('/') ? path : `${API_BASE}/${path}`, {
    ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...authHeaders(c) },
  });
  const used = getCredentials();
  let res = await send(used);
  if (res.status === 401 && used && (await refreshSession(used))) {
    release(res);
    res = await send(getCredentials());
  }
  if (res.status === 401 && used) setCredentials(null);
  return res;
}

function withQuery(path: string, query?: Query): string {
  const entries = Object.entries(query ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.length ? `${path}?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : path;
}

/** A JSON request to `/api/v1/<path>`; resolves to the parsed body (undefined for 204). */
export async function request<T>(
  method: string, path: string, opts: { body?: unknown; query?: Query; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<T> {
  const init: RequestInit = { method, headers: { ...opts.headers }, ...(opts.signal ? { signal: opts.signal } : {}) };
  if (opts.body !== undefined) Object.assign(init, { body: JSON.stringify(opts.body), headers: { ...opts.headers, 'content-type': 'application/json' } });
  const res = await authorizedFetch(`${API_BASE}/${withQuery(path, opts.query)}`, init);
  if (!res.ok) throw await toApiError(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, ...(signal ? { signal } : {}) }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  /** `version` is sent as If-Match: a change made meanwhile by someone else is refused (409), not overwritten. */
  patch: <T>(path: string, body: unknown, version?: number) => request<T>('PATCH', path, { body, ...(version === undefined ? {} : { headers: { 'if-match': String(version) } }) }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};

/** Signs in with a username and password: a session whose refresh token rotates on use. */
export async function login(username: string, password: string): Promise<void> {
  const res = await fetch(`${API_BASE}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw await toApiError(res);
  const t = (await res.json()) as Tokens;
  setCredentials({ kind: 'session', username: t.user.username, accessToken: t.accessToken, refreshToken: t.refreshToken });
}

/** Signs in with an API key, checked against GET /auth/me before it is kept. */
export async function signInWithApiKey(key: string): Promise<void> {
  const res = await fetch(`${API_BASE}/auth/me`, { headers: authHeaders({ kind: 'key', key }) });
  if (!res.ok) throw await toApiError(res);
  // Read, though only the status matters: an unread answer holds its connection and, as API answers
  // are not stored (no-store), Chromium's cache lock, so the page's own next GET /auth/me would wait forever.
  await res.arrayBuffer();
  setCredentials({ kind: 'key', key });
}

/** Ends the session on the server (best effort) and forgets the credentials here. */
export async function logout(): Promise<void> {
  const c = getCredentials();
  if (c?.kind === 'session') await request('POST', 'auth/logout').catch(() => undefined);
  setCredentials(null);
}
