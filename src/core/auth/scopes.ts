/**
 * Every route declares one of these. `admin:*` grants everything; `area:*` grants every scope of the area.
 * Access control (adapters/http/access-control.ts) enforces them from the route table.
 */
export const SCOPES = [
  'kpi:read', 'kpi:write', 'kpi:execute',
  'alerts:read', 'alerts:write',
  'contacts:read', 'contacts:write',
  'datasources:read', 'datasources:write',
  'channels:read', 'channels:write',
  // Teams, routing rules and escalation chains: who hears about an alert.
  'routing:read', 'routing:write',
  'audit:read',
  // The whole configuration as one file (KPIs, contacts, data sources): export, plan and apply.
  'config:read', 'config:write',
  'admin:*',
] as const;

export type Scope = (typeof SCOPES)[number];

/** A route that needs no credentials: health, login, the API document, the dashboard, metrics. */
export const PUBLIC = 'public' as const;
/** A route any valid credential may call, whatever its scopes (who am I, sign out, key self-test). */
export const AUTHENTICATED = 'authenticated' as const;
export type RouteAccess = Scope | typeof PUBLIC | typeof AUTHENTICATED;

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

/** A scope a key may be given: a named scope or `area:*` for an area that exists. */
export const isGrantable = (s: string): boolean => isScope(s) || SCOPES.some((x) => s === `${x.split(':')[0]}:*`);

/** Does a set of granted scopes (which may contain wildcards) include `needed`? */
export function grants(granted: readonly string[], needed: Scope): boolean {
  const area = needed.split(':')[0];
  return granted.some((g) => g === needed || g === 'admin:*' || g === `${area}:*`);
}
