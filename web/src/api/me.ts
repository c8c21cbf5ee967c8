import { api } from './client.ts';
import { getCredentials, type Credentials } from './credentials.ts';

/** GET /auth/me: who the caller is and what its credentials grant. */
export interface Me {
  readonly kind: 'user' | 'api_key';
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
}

let cached: { readonly for: Credentials | null; readonly me: Promise<Me> } | null = null;

/** The caller, asked once per sign-in (new credentials ask again; a failed answer is not kept). */
export function whoAmI(): Promise<Me> {
  const credentials = getCredentials();
  if (cached?.for !== credentials) {
    const me = api.get<Me>('auth/me');
    cached = { for: credentials, me };
    me.catch(() => { if (cached?.me === me) cached = null; });
  }
  return cached.me;
}

/**
 * Do the caller's scopes include `needed` (`admin:*` and `area:*` count, as on the server)? Pages ask
 * before a request the caller may not make: a refused one is a PermissionDenied security event.
 */
export const grants = (me: Me, needed: string): boolean =>
  me.scopes.some((g) => g === needed || g === 'admin:*' || g === `${needed.split(':')[0]}:*`);
