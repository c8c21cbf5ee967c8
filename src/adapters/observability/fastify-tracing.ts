import FastifyOtel from '@fastify/otel';

let fastifyOtel: InstanceType<typeof FastifyOtel.FastifyOtelInstrumentation> | null = null;

/**
 * The fastify plugin that makes one span per request (and per hook), children of the HTTP server span.
 * One instrumentation for the process: each would otherwise hook module loading again.
 */
export function fastifyTracingPlugin() {
  fastifyOtel ??= new FastifyOtel.FastifyOtelInstrumentation({ ignorePaths: (o: { url: string }) => o.url === '/metrics' || o.url.startsWith('/health/') || o.url.startsWith('/actions/') });
  return fastifyOtel.plugin();
}
