import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/metrics.ts';

/**
 * Counts every request and times it, labelled by the route pattern (`/api/v1/kpis/:id`), so the
 * number of series stays bounded whatever URLs clients send; unmatched URLs share one label. Also
 * counts every 401 and 403 by `request.authFailure` (set by whoever refused).
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    // Every refusal counts, whoever refused: access control, a login, the /metrics token.
    if (reply.statusCode === 401 || reply.statusCode === 403) {
      metrics.authFailures.inc({ reason: request.authFailure ?? (reply.statusCode === 401 ? 'unauthenticated' : 'forbidden') });
    }
  });
}
