/**
 * Every route declares one of these. `admin:*` grants everything; `area:*` grants every scope of the area.
 * Access control enforces them from the route table; until then they document what a route will need.
 */
export const SCOPES = [
  'kpi:read', 'kpi:write', 'kpi:execute',
  'alerts:read', 'alerts:write',
  'contacts:read', 'contacts:write',
  'datasources:read', 'datasources:write',
  'audit:read',
  'admin:*',
] as const;

export type Scope = (typeof SCOPES)[number];

/** A route that needs no credentials: health, login, the API document, the dashboard, metrics. */
export const PUBLIC = 'public' as const;
export type RouteAccess = Scope | typeof PUBLIC;

/** Does a set of granted scopes (which may contain wildcards) include `needed`? */
export function grants(granted: readonly string[], needed: Scope): boolean {
  const area = needed.split(':')[0];
  return granted.some((g) => g === needed || g === 'admin:*' || g === `${area}:*`);
}
