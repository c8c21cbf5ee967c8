import type { FastifyInstance } from 'fastify';

/** Paths whose answers are data of the moment (and may hold tokens or keys): never kept by a cache. */
const UNCACHED = /^\/(api\/v1|health|metrics|api\/docs\/(json|yaml))(\/|\?|$)/;

/**
 * Headers every answer carries: `nosniff` (a browser never reads JSON as a page), `no-store` on API
 * answers (sign-in, refresh and new keys hold secrets; a shared cache must not keep any of them), and
 * the document's pages are never framed. Routes that set their own Cache-Control (the dashboard's
 * files) keep it; the dashboard page sets its own CSP (web-static.ts), the API document gets one from
 * `docsCsp`.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (UNCACHED.test(request.url)) void reply.header('cache-control', 'no-store');
    if (request.url.startsWith('/api/docs')) void reply.header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer');
  });
}

/**
 * Swagger UI's own policy (hashes of its inline parts), framed by nobody, and without
 * `upgrade-insecure-requests`, which would send its scripts to https:// on a plain-http service.
 */
export const docsCsp = (policy: string): string =>
  policy.replace(/frame-ancestors [^;]*/, "frame-ancestors 'none'").replace(/\s*upgrade-insecure-requests;?/, '').replace(/ validator\.swagger\.io/, '');
