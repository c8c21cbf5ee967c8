import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../../core/errors.ts';
import type { Metrics } from '../../observability/metrics.ts';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Compares hashes so that the time taken says nothing about how much of the token matched. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/**
 * GET /metrics in the Prometheus text format. Public unless a token is configured; then it needs
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: ... }`).
 */
export const metricsRoutes: FastifyPluginAsync<{ metrics: Metrics; token: string | null }> = async (app, { metrics, token }) => {
  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['Health'], summary: 'Prometheus metrics (a bearer token when METRICS_TOKEN is set)', hide: false },
  }, async (request, reply) => {
    if (token !== null && !bearerMatches(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      request.authFailure = 'metrics_token';
      throw new AppError('unauthenticated', 'GET /metrics needs the bearer token set in METRICS_TOKEN');
    }
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
};
