import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { RoutingSettings } from '../../../core/alerts/routing.ts';
import { breachSeverity } from '../../../core/alerts/severity.ts';
import { notFound } from '../../../core/errors.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { routeNotification } from '../../../core/routing/load-routing.ts';
import { createRoute, deleteRoute, setDefaultRoute, updateRoute } from '../../../core/routing/route-commands.ts';
import type { Queryable } from '../../storage/db.ts';
import { AsOfQuery, entityAsOf } from '../as-of.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { DefaultRouteBody, DefaultRouteView, RouteCreateBody, RoutePatchBody, RouteTestBody, RouteTestView, RouteView } from '../schemas/routing.ts';

const tags = ['Routing'];

export const routingRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps & { db: Queryable }; routing: RoutingSettings }> = async (app, { deps, routing }) => {
  const routes = deps.uow.read.routes;

  app.get('/routes', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'List the routing rules in the order they are tried', response: { 200: pageOf(RouteView), ...problemResponses } },
  }, async () => ({ items: await routes.all(), nextCursor: null }));

  app.post('/routes', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Create a routing rule (after the last one unless a position is given)', body: RouteCreateBody, response: { 201: RouteView, ...problemResponses } },
  }, async (request, reply) => {
    const r = await createRoute(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(r.version)).header('location', `/api/v1/routes/${r.id}`).send(r);
  });

  app.get('/routes/default', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'Read the default route (used when no rule matched)', response: { 200: DefaultRouteView, ...problemResponses } },
  }, async (_request, reply) => {
    const d = await routes.getDefault();
    return reply.header('etag', etagOf(d.version)).send(d);
  });

  app.put('/routes/default', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Set the default route', headers: IfMatchHeaders, body: DefaultRouteBody, response: { 200: DefaultRouteView, ...problemResponses } },
  }, async (request, reply) => {
    const d = await setDefaultRoute(deps, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(d.version)).send(d);
  });

  app.post('/routes/test', {
    config: { access: 'routing:read' },
    schema: {
      tags, summary: 'Where an alert of this KPI would go: the rules that match, the teams, and every recipient with the reason',
      body: RouteTestBody, response: { 200: RouteTestView, ...problemResponses },
    },
  }, async (request) => {
    const kpi = await deps.uow.read.kpis.get(request.body.kpiId);
    if (kpi === null) throw notFound('KPI', request.body.kpiId);
    const severity = request.body.severity ?? breachSeverity(50, kpi.priority);
    const contacts = await deps.uow.read.contacts.getMany(kpi.contactIds);
    const { routing: view, recipients } = await routeNotification(deps.uow.read, routing, kpi, severity, contacts, 'opened');
    const { decision } = view;
    const chainId = decision.escalationChainId;
    return {
      matched: decision.matchedRouteIds.map((id) => ({ id, name: view.rules.find((r) => r.id === id)?.name ?? id })),
      usedDefault: decision.usedDefault,
      teams: view.teams.map((t) => ({ id: t.id, name: t.name })),
      // The chains' names come with the escalation chains; until then the id stands for the name.
      escalationChain: chainId === null ? null : { id: chainId, name: chainId },
      severity,
      recipients: recipients.map(({ kind, channel, address, contactId, via }) => ({ kind, channel, address, contactId, via })),
    };
  });

  app.get('/routes/:id', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'Read a routing rule', params: IdParams, querystring: AsOfQuery, response: { 200: RouteView, ...problemResponses } },
  }, async (request, reply) => {
    const { id } = request.params;
    const r = request.query.asOf !== undefined ? await entityAsOf(deps.db, 'route', id, request.query.asOf) : await routes.get(id);
    if (r === null) throw notFound('route', id);
    return reply.header('etag', etagOf(r.version)).send(r);
  });

  app.patch('/routes/:id', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Change a routing rule (its position moves it)', params: IdParams, headers: IfMatchHeaders, body: RoutePatchBody, response: { 200: RouteView, ...problemResponses } },
  }, async (request, reply) => {
    const r = await updateRoute(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(r.version)).send(r);
  });

  app.delete('/routes/:id', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Delete a routing rule', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await deleteRoute(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });
};
