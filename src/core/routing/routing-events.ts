import type { Changes } from '../shared/changes.ts';
import type { RouteFields, RouteTargets } from './route.ts';
import type { TeamFields } from './team.ts';

/** The id of the one default route (stream `defaultroute-default`). */
export const DEFAULT_ROUTE_ID = 'default';

/**
 * The events of `team-<id>`, `route-<id>` and `defaultroute-default`. *Changed events carry the changed
 * fields with their old and new values, like the other entities' *Updated events.
 */
export type RoutingEvent =
  | { readonly type: 'TeamCreated'; readonly data: { readonly id: string; readonly team: TeamFields } }
  | { readonly type: 'TeamChanged'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'TeamDeleted'; readonly data: { readonly id: string; readonly team: TeamFields } }
  | { readonly type: 'RouteCreated'; readonly data: { readonly id: string; readonly route: RouteFields } }
  | { readonly type: 'RouteChanged'; readonly data: { readonly id: string; readonly changes: Changes } }
  | { readonly type: 'RouteDeleted'; readonly data: { readonly id: string; readonly route: RouteFields } }
  | { readonly type: 'DefaultRouteCreated'; readonly data: { readonly id: typeof DEFAULT_ROUTE_ID; readonly defaultRoute: RouteTargets } }
  | { readonly type: 'DefaultRouteChanged'; readonly data: { readonly id: typeof DEFAULT_ROUTE_ID; readonly changes: Changes } };
