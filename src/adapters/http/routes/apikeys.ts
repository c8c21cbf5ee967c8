import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createApiKey, revokeApiKey } from '../../../core/auth/api-key-commands.ts';
import type { ApiKey, AuthDeps } from '../../../core/auth/model.ts';
import { notFound } from '../../../core/errors.ts';
import { SCOPES } from '../../../core/auth/scopes.ts';
import { metaOf } from '../request-context.ts';
import { ApiKeyCreateBody, ApiKeyCreated, ApiKeyStatisticsView, ApiKeyView, PrincipalView } from '../schemas/auth.ts';
import { IdParams, problemResponses } from '../schemas/common.ts';
import type { KeyLookupService } from '../key-lookup.ts';
import type { UsageRecorder } from '../usage-recorder.ts';
import { principalView } from './auth.ts';

const tags = ['API keys'];

const view = (k: ApiKey, now: Date) => ({
  ...k,
  scopes: [...k.scopes],
  status: k.revokedAt !== null ? 'revoked' as const : k.expiresAt !== null && k.expiresAt <= now ? 'expired' as const : 'active' as const,
});

/** The original's /apikey endpoints. Managing keys is an administrator's job; any caller may test its own. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ auth: AuthDeps; usage: UsageRecorder; keyLookup: KeyLookupService }> = async (app, { auth, usage, keyLookup }) => {
  const keys = auth.store.read.apiKeys;

  app.get('/apikey', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'List API keys (never the keys themselves)', response: { 200: Type.Object({ items: Type.Array(ApiKeyView) }), ...problemResponses } },
  }, async () => {
    await usage.flush();
    const now = auth.clock.now();
    return { items: (await keys.list()).map((k) => view(k, now)) };
  });

  app.get('/apikey/statistics', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'Counts of keys: active, revoked, expired, used in the last 7 days, never used, by owner', response: { 200: ApiKeyStatisticsView, ...problemResponses } },
  }, async () => {
    await usage.flush();
    return keys.statistics(auth.clock.now());
  });

  app.get('/apikey/test', {
    config: { access: 'authenticated' },
    schema: { tags, summary: 'Echo the calling key\'s name, owner and scopes', response: { 200: PrincipalView, ...problemResponses } },
  }, async (request) => principalView(request.principal!));

  app.get('/apikey/:id', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'Read one API key', params: IdParams, response: { 200: ApiKeyView, ...problemResponses } },
  }, async (request) => {
    await usage.flush();
    const key = await keys.get(request.params.id);
    if (key === null) throw notFound('API key', request.params.id);
    return view(key, auth.clock.now());
  });

  app.post('/apikey', {
    config: { access: 'admin:*' },
    schema: {
      tags, summary: 'Create an API key; the answer holds the key, shown this once',
      description: `Scopes: ${SCOPES.join(', ')}, or area:* for every scope of an area.`,
      body: ApiKeyCreateBody, response: { 201: ApiKeyCreated, ...problemResponses },
    },
  }, async (request, reply) => {
    const { apiKey, key } = await createApiKey(auth, request.body, metaOf(request));
    return reply.status(201).header('location', `/api/v1/apikey/${apiKey.id}`).header('cache-control', 'no-store')
      .send({ ...view(apiKey, auth.clock.now()), key });
  });

  app.delete('/apikey/:id', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'Revoke an API key: it fails on the next request, on every node', params: IdParams, response: { 200: ApiKeyView, ...problemResponses } },
  }, async (request) => {
    const key = await revokeApiKey(auth, request.params.id, metaOf(request));
    keyLookup.forget(key.id);
    return view(key, auth.clock.now());
  });
};
