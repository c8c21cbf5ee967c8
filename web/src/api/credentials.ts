// The caller's credentials, kept in localStorage so a reload stays signed in.
// A session (username/password) carries a rotating refresh token; an API key is sent as it is.

export interface SessionCredentials {
  readonly kind: 'session';
  readonly username: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}
export interface KeyCredentials {
  readonly kind: 'key';
  readonly key: string;
}
export type Credentials = SessionCredentials | KeyCredentials;

const STORAGE_KEY = 'monitoring-grid.credentials';
const listeners = new Set<(c: Credentials | null) => void>();

function read(): Credentials | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Credentials) : null;
  } catch {
    return null;
  }
}

let current: Credentials | null = read();

export const getCredentials = (): Credentials | null => current;

export function setCredentials(next: Credentials | null): void {
  current = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l(next);
}

// Another tab signed in or out, or rotated the session's tokens: use what it stored. Without this a
// second tab would present the refresh token the first one already used, and that ends the session.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== STORAGE_KEY && e.key !== null) return;
    current = read();
    for (const l of listeners) l(current);
  });
}

/** Called on sign-in, sign-out and token rotation (here or in another tab); returns the unsubscribe. */
export function onCredentials(listener: (c: Credentials | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The header that authenticates a request, or none when signed out. */
export function authHeaders(c: Credentials | null = current): Record<string, string> {
  if (!c) return {};
  return c.kind === 'key' ? { 'x-api-key': c.key } : { authorization: `Bearer ${c.accessToken}` };
}
