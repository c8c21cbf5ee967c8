import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../../core/errors.ts';
import { readStream } from '../../event-store/event-store.ts';
import type { Queryable } from '../../storage/db.ts';
import { DateTime, problemResponses } from '../schemas/common.ts';

const EventView = Type.Object({
  position: Type.Integer(),
  streamId: Type.String(),
  streamVersion: Type.Integer(),
  type: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  recordedAt: DateTime,
});

export const streamRoutes: FastifyPluginAsyncTypebox<{ db: Queryable }> = async (app, { db }) => {
  app.get('/streams/:streamId', {
    config: { access: 'audit:read' },
    schema: {
      tags: ['Events'],
      summary: 'The raw events of one stream, e.g. kpi-<id>, in version order',
      params: Type.Object({ streamId: Type.String({ maxLength: 200 }) }),
      querystring: Type.Object({
        fromVersion: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ streamId: Type.String(), events: Type.Array(EventView) }), ...problemResponses },
    },
  }, async (request) => {
    const { streamId } = request.params;
    const events = await readStream(db, streamId, request.query.fromVersion ?? 1, request.query.limit ?? 1000);
    if (events.length === 0 && (request.query.fromVersion ?? 1) === 1) throw notFound('stream', streamId);
    return { streamId, events };
  });
};
