import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../../core/errors.ts';
import { createEscalationChain, deleteEscalationChain, updateEscalationChain } from '../../../core/escalation/chain-commands.ts';
import type { EscalationChain } from '../../../core/escalation/chain.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { ChainCreateBody, ChainListQuery, ChainPatchBody, ChainView } from '../schemas/escalation-chain.ts';

const tags = ['Escalation chains'];

/** The chain as the API shows it (plain arrays for the serializer). */
const view = (c: EscalationChain) => ({
  ...c, steps: c.steps.map((s) => ({ afterMinutes: s.afterMinutes, targets: s.targets.map(({ type, id, kinds }) => ({ type, id, ...(kinds ? { kinds: [...kinds] } : {}) })) })),
});

/** Escalation chains: steps with delays that routes attach to their alerts (see docs/escalation.md). */
export const escalationChainRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps }> = async (app, { deps }) => {
  const read = deps.uow.read.escalationChains;

  app.get('/escalation-chains', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'List escalation chains', querystring: ChainListQuery, response: { 200: pageOf(ChainView), ...problemResponses } },
  }, async (request) => {
    const page = await read.list({ ...request.query, limit: request.query.limit ?? 50 });
    return { ...page, items: page.items.map(view) };
  });

  app.post('/escalation-chains', {
    config: { access: 'routing:write' },
    schema: {
      tags, summary: 'Create an escalation chain: steps at ascending minutes, each naming teams, contacts or channels',
      body: ChainCreateBody, response: { 201: ChainView, ...problemResponses },
    },
  }, async (request, reply) => {
    const c = await createEscalationChain(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(c.version)).header('location', `/api/v1/escalation-chains/${c.id}`).send(view(c));
  });

  app.get('/escalation-chains/:id', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'Read an escalation chain', params: IdParams, response: { 200: ChainView, ...problemResponses } },
  }, async (request, reply) => {
    const c = await read.get(request.params.id);
    if (c === null) throw notFound('escalation chain', request.params.id);
    return reply.header('etag', etagOf(c.version)).send(view(c));
  });

  app.patch('/escalation-chains/:id', {
    config: { access: 'routing:write' },
    schema: {
      tags, summary: 'Change an escalation chain (alerts already escalating keep their steps)',
      params: IdParams, headers: IfMatchHeaders, body: ChainPatchBody, response: { 200: ChainView, ...problemResponses },
    },
  }, async (request, reply) => {
    const c = await updateEscalationChain(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(c.version)).send(view(c));
  });

  app.delete('/escalation-chains/:id', {
    config: { access: 'routing:write' },
    schema: {
      tags, summary: 'Delete an escalation chain (409 while a route names it)',
      params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses },
    },
  }, async (request, reply) => {
    await deleteEscalationChain(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });
};
