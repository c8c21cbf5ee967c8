import { useEffect, useState } from 'react';
import { api } from './client.ts';
import { getCredentials, type Credentials } from './credentials.ts';
import type { ApiResponse } from './generated.ts';

/** GET /auth/me: who the caller is and what its credentials grant. */
export type Me = ApiResponse<'/api/v1/auth/me', 'get'>;

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

/**
 * React: the signed-in caller, null while asked or when signed out. `credentials` (default: the current
 * ones) asks again when they change; a rotated session keeps its answer until the new one is in.
 */
export function useMe(credentials: Credentials | null = getCredentials()): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    if (!credentials) return setMe(null);
    let current = true;
    whoAmI().then((m) => { if (current) setMe(m); }, () => undefined);
    return () => { current = false; };
  }, [credentials]);
  return me;
}

/** React: does the signed-in caller hold `scope`? False until known (so nothing it may not use is offered). */
export function useGrants(scope: string): boolean {
  const me = useMe();
  return me !== null && grants(me, scope);
}
