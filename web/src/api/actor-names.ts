import { useCallback } from 'react';
import { api } from './client.ts';
import type { ApiKey, User } from './admin-types.ts';
import { grants, whoAmI } from './me.ts';
import { useResource } from './use-resource.ts';

/**
 * Names for the actor ids the API records (`usr_…` users, `key_…` API keys). Listing users and keys is
 * an administrator's right: anyone else is not asked to (a refused request is a PermissionDenied
 * security event and an auth failure on the metrics), and the ids stand as they are.
 */
export function useActorNames(): (id: string | null | undefined) => string {
  const names = useResource(async (signal) => {
    if (!grants(await whoAmI(), 'admin:*')) return new Map<string, string>();
    const [users, keys] = await Promise.all([
      api.get<{ items: User[] }>('users', {}, signal).then((r) => r.items),
      api.get<{ items: ApiKey[] }>('apikey', {}, signal).then((r) => r.items),
    ]);
    return new Map<string, string>([...users.map((u) => [u.id, u.username] as const), ...keys.map((k) => [k.id, `key “${k.name}”`] as const)]);
  }, []);
  return useCallback((id) => (id ? (names.data?.get(id) ?? id) : '—'), [names.data]);
}
