import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../../core/auth/scopes.ts';

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

/** Routes whose access the plugins that register them cannot declare: the API document and its UI. */
const PUBLIC_PREFIXES = ['/api/docs'];

/**
 * Records every route with its declared access and refuses to start when one declares none, so a new
 * route cannot forget authorization. Returns the live table (filled as routes register).
 */
export function enforceRouteDeclarations(app: FastifyInstance): RouteEntry[] {
  const table: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (methods.every((m) => m === 'HEAD')) return;
    let access = route.config?.access;
    if (access === undefined && PUBLIC_PREFIXES.some((p) => route.url.startsWith(p))) {
      access = 'public';
      route.config = { ...route.config, access };
    }
    if (access === undefined) throw new Error(`route ${methods.join(',')} ${route.url} declares no access (config.access)`);
    for (const method of methods) table.push({ method, url: route.url, access });
  });
  return table;
}
