import { api } from './client.ts';
import type { Named, Page } from './types.ts';
import { useResource, type Resource } from './use-resource.ts';

/** What the routing pages pick from: contacts, channels, teams, escalation chains (each has a name). */
export type NamedList = 'contacts' | 'channels' | 'teams' | 'escalation-chains';

/** The first 500 of a list, for checkboxes and selects (the channels list is not paged). */
export function useNamed(list: NamedList): Resource<Page<Named>> {
  return useResource((s) => api.get<Page<Named>>(list, list === 'channels' ? {} : { limit: 500 }, s), [list]);
}

/** The name of `id` in `items`; the id itself while unknown (a deleted one, or still loading). */
export const nameIn = (items: readonly Named[] | undefined, id: string): string => items?.find((x) => x.id === id)?.name ?? id;

/** Names of `ids`, comma-separated; `none` for an empty list. */
export const namesIn = (items: readonly Named[] | undefined, ids: readonly string[], none = '—'): string =>
  ids.length ? ids.map((id) => nameIn(items, id)).join(', ') : none;
