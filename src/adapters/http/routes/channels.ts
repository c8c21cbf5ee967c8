import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createChannel, deleteChannel, updateChannel } from '../../../core/channels/channel-commands.ts';
import { publicChannel, type NotificationChannel } from '../../../core/channels/channel.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { configuredChannel, type ChannelDelivery } from '../../notifiers/channel-delivery.ts';
import type { WebhookTarget } from '../../notifiers/webhook-signature.ts';
import type { Queryable } from '../../storage/db.ts';
import { AsOfQuery, entityAsOf } from '../as-of.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { ChannelCreateBody, ChannelPatchBody, ChannelTestView, ChannelView } from '../schemas/channel.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';

const tags = ['Channels'];

export interface ChannelRouteDeps {
  readonly delivery: ChannelDelivery;
  /** The webhooks of the configuration, listed as read-only channels. */
  readonly configured: readonly WebhookTarget[];
}

const readOnly = (id: string): AppError =>
  new AppError('conflict', `channel ${id} is configured by environment variables (WEBHOOK_URL, SLACK_WEBHOOK_URL, ALERT_WEBHOOKS): change it there`, { id });

export const channelRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps & { db: Queryable }; channels: ChannelRouteDeps }> = async (app, { deps, channels }) => {
  const repo = deps.uow.read.channels;
  const startedAt = deps.clock.now();
  const configured = channels.configured.map((w) => configuredChannel(w, startedAt));
  const findConfigured = (id: string) => configured.find((c) => c.id === id) ?? null;

  app.get('/channels', {
    config: { access: 'channels:read' },
    schema: { tags, summary: 'List channels (the configured ones first, read-only)', response: { 200: pageOf(ChannelView), ...problemResponses } },
  }, async () => ({ items: [...configured, ...(await repo.all())].map(publicChannel), nextCursor: null }));

  app.post('/channels', {
    config: { access: 'channels:write' },
    schema: { tags, summary: 'Create a channel (secrets are write-only)', body: ChannelCreateBody, response: { 201: ChannelView, ...problemResponses } },
  }, async (request, reply) => {
    const c = await createChannel(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(c.version)).header('location', `/api/v1/channels/${c.id}`).send(publicChannel(c));
  });

  app.get('/channels/:id', {
    config: { access: 'channels:read' },
    schema: { tags, summary: 'Read a channel (never its secrets)', params: IdParams, querystring: AsOfQuery, response: { 200: ChannelView, ...problemResponses } },
  }, async (request, reply) => {
    const { id } = request.params;
    const c: NotificationChannel | null = findConfigured(id)
      ?? (request.query.asOf !== undefined ? await entityAsOf(deps.db, 'channel', id, request.query.asOf) : await repo.get(id));
    if (c === null) throw notFound('channel', id);
    return reply.header('etag', etagOf(c.version)).send(publicChannel(c));
  });

  app.patch('/channels/:id', {
    config: { access: 'channels:write' },
    schema: { tags, summary: 'Change a channel', params: IdParams, headers: IfMatchHeaders, body: ChannelPatchBody, response: { 200: ChannelView, ...problemResponses } },
  }, async (request, reply) => {
    if (findConfigured(request.params.id)) throw readOnly(request.params.id);
    const c = await updateChannel(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(c.version)).send(publicChannel(c));
  });

  app.delete('/channels/:id', {
    config: { access: 'channels:write' },
    schema: { tags, summary: 'Delete a channel', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    if (findConfigured(request.params.id)) throw readOnly(request.params.id);
    await deleteChannel(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });

  app.post('/channels/:id/test', {
    config: { access: 'channels:write' },
    schema: { tags, summary: 'Send a test message now (no retries) and report what the provider answered', params: IdParams, response: { 200: ChannelTestView, ...problemResponses } },
  }, async (request) => {
    const r = await channels.delivery.test(request.params.id);
    if (r === null) throw notFound('channel', request.params.id);
    return r.ok ? { ok: true, error: null, retryAfterMs: null, permanent: false } : { ok: false, error: r.error, retryAfterMs: r.retryAfterMs ?? null, permanent: r.permanent ?? false };
  });
};
