import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../../core/errors.ts';
import { inForce, type Silence } from '../../../core/silences/silence.ts';
import { createSilence, endSilence, updateSilence, type SilenceDeps } from '../../../core/silences/silence-commands.ts';
import { bodyOptional } from './alerts.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { EndSilenceBody, SilenceCreateBody, SilenceListQuery, SilencePatchBody, SilenceView } from '../schemas/silence.ts';

const tags = ['Silences'];


/** Silences: while one is in force, alerts it matches are recorded as silenced and nobody is notified. */
export const silenceRoutes: FastifyPluginAsyncTypebox<{ deps: SilenceDeps }> = async (app, { deps }) => {
  const read = deps.uow.read.silences;
  const view = (s: Silence) => ({ ...s, kpiIds: s.kpiIds === null ? null : [...s.kpiIds], inForce: inForce(s, deps.clock.now()) });

  app.get('/silences', {
    config: { access: 'alerts:read' },
    schema: { tags, summary: 'List silences, newest first', querystring: SilenceListQuery, response: { 200: pageOf(SilenceView), ...problemResponses } },
  }, async (request) => {
    const page = await read.list({ ...request.query, limit: request.query.limit ?? 50 });
    return { ...page, items: page.items.map(view) };
  });

  app.post('/silences', {
    config: { access: 'alerts:write' },
    schema: {
      tags, summary: 'Silence alerts by KPI, owner, key pattern, priority or severity, for a time',
      description: 'Every criterion given must match; at least one is required. endsAt or durationMinutes (from startsAt, default now).',
      body: SilenceCreateBody, response: { 201: SilenceView, ...problemResponses },
    },
  }, async (request, reply) => {
    const silence = await createSilence(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(silence.version)).header('location', `/api/v1/silences/${silence.id}`).send(view(silence));
  });

  app.get('/silences/:id', {
    config: { access: 'alerts:read' },
    schema: { tags, summary: 'Read a silence', params: IdParams, response: { 200: SilenceView, ...problemResponses } },
  }, async (request, reply) => {
    const silence = await read.get(request.params.id);
    if (silence === null) throw notFound('silence', request.params.id);
    return reply.header('etag', etagOf(silence.version)).send(view(silence));
  });

  app.patch('/silences/:id', {
    config: { access: 'alerts:write' },
    schema: { tags, summary: 'Change an active silence', params: IdParams, headers: IfMatchHeaders, body: SilencePatchBody, response: { 200: SilenceView, ...problemResponses } },
  }, async (request, reply) => {
    const silence = await updateSilence(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(silence.version)).send(view(silence));
  });

  app.delete('/silences/:id', {
    config: { access: 'alerts:write' },
    preValidation: bodyOptional,
    schema: {
      tags, summary: 'End a silence now; its alerts that still fire are notified', params: IdParams, body: EndSilenceBody,
      response: { 200: SilenceView, ...problemResponses },
    },
  }, async (request) => view(await endSilence(deps, request.params.id, request.body.note ?? null, metaOf(request))));
};
