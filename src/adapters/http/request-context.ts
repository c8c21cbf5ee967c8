import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid } from '../../core/errors.ts';
import type { EventMeta, IdGenerator } from '../../core/ports.ts';
import type { RouteAccess } from '../../core/auth/scopes.ts';
import { activeTraceIds } from '../observability/tracing.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs, or 'public'. Every route must declare it (see route-table.ts). */
    access?: RouteAccess;
    /**
     * A read whose answer may be computed while a cached API key is being confirmed (access-control.ts):
     * the answer waits for the confirmation and becomes a 401 if the key was revoked. Only for routes that
     * change nothing and answer through `reply.send` (never a hijacked stream).
     */
    confirmKeyWhileHandling?: boolean;
  }
  interface FastifyRequest {
    correlationId: string;
    /** Who is calling: a user or API key id once access control authenticates, else 'anonymous'. */
    actor: string;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes X-Correlation-ID from the caller (when it is a sane token) or makes one, and echoes it. */
export function registerRequestContext(app: FastifyInstance, ids: IdGenerator): void {
  app.decorateRequest('correlationId', '');
  app.decorateRequest('actor', 'anonymous');
  app.addHook('onRequest', async (request, reply) => {
    const given = request.headers['x-correlation-id'];
    request.correlationId = typeof given === 'string' && SAFE_ID.test(given) ? given : ids.next('correlation');
    request.log = request.log.child({ correlationId: request.correlationId }); // on every line of this request
    reply.log = request.log; // fastify writes "request completed" through the reply
    void reply.header('x-correlation-id', request.correlationId);
    void reply.header('x-request-id', String(request.id));
  });
}

/** The event metadata of a change made by this request. */
export function metaOf(request: FastifyRequest): EventMeta {
  const ua = request.headers['user-agent'];
  return {
    actor: request.actor,
    correlationId: request.correlationId,
    causationId: String(request.id),
    clientIp: request.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : undefined,
    traceId: activeTraceIds().trace_id,
  };
}

/** `If-Match: 3`, `"3"` or `W/"3"` as a version number; absent = undefined (last writer wins). */
export function expectedVersionOf(request: FastifyRequest): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(raw));
  if (!m) throw invalid([{ path: 'headers:/if-match', message: 'must be the entity version, as given in its ETag' }]);
  return Number(m[1]);
}

export const etagOf = (version: number): string => `"${version}"`;
