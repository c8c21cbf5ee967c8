import type { FastifyPluginAsync } from 'fastify';
import type { LiveFeed, LiveMessage } from '../../live/live-feed.ts';

/** A slow client is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 1_048_576;
const HEARTBEAT_MS = 15_000;

const frame = (m: LiveMessage): string => `id: ${m.id}\nevent: ${m.kind}\ndata: ${JSON.stringify(m.data)}\n\n`;

/**
 * GET /api/v1/events/live: server-sent events for the dashboard. Events are `execution`, `alert` and
 * `audit` (data: an audit entry, or the execution as its engine publishes it); a comment line every
 * 15 s keeps proxies from closing the connection. A reconnect's Last-Event-ID resumes: the events
 * committed since are sent first (published executions are not events and are not repeated); further
 * behind than the feed's RESUME_LIMIT it gets a `reset` event instead.
 */
export const liveRoutes: FastifyPluginAsync<{ feed: LiveFeed }> = async (app, { feed }) => {
  const open = new Set<() => void>();
  // Before the server stops accepting: an open stream would otherwise keep close() waiting forever.
  app.addHook('preClose', async () => {
    for (const end of open) end();
    await feed.close();
  });
  app.get('/events/live', {
    config: { access: 'audit:read' },
    schema: { tags: ['Events'], summary: 'Server-sent events: KPI executions, alert changes and audit entries as they happen; Last-Event-ID resumes' },
  }, async (request, reply) => {
    // HEAD (a probe, a link checker) gets the headers only: a stream it cannot read would never end.
    if (request.method === 'HEAD') return reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-cache, no-transform').send('');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': String(request.id),
    });
    let stop = (): void => undefined;
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const end = () => {
      open.delete(end);
      clearInterval(heartbeat);
      stop();
      if (!res.writableEnded) res.end();
    };
    open.add(end);
    request.raw.on('close', end);
    const lastEventId = request.headers['last-event-id'];
    try {
      stop = await feed.listen((m) => {
        if (res.writableLength > MAX_BUFFERED_BYTES) return end();
        res.write(frame(m));
      }, typeof lastEventId === 'string' ? lastEventId : undefined);
    } catch (err) {
      // The store did not answer: end the stream so that the client reconnects, rather than keep an
      // open stream of heartbeats that will never carry a message.
      request.log.warn({ err }, 'live feed unavailable; the stream is ended for the client to reconnect');
      return end();
    }
    if (res.writableEnded) return stop(); // the client left while we were getting ready
    res.write('retry: 3000\n: connected\n\n');
  });
};
