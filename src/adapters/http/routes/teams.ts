import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../../core/errors.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import type { Queryable } from '../../storage/db.ts';
import { AsOfQuery, entityAsOf } from '../as-of.ts';
import { createTeam, deleteTeam, updateTeam } from '../../../core/routing/team-commands.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, PageQuery, pageOf, problemResponses } from '../schemas/common.ts';
import { TeamCreateBody, TeamPatchBody, TeamView } from '../schemas/routing.ts';

const tags = ['Routing'];

export const teamRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps & { db: Queryable } }> = async (app, { deps }) => {
  const teams = deps.uow.read.teams;

  app.get('/teams', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'List teams', querystring: Type.Object(PageQuery), response: { 200: pageOf(TeamView), ...problemResponses } },
  }, async (request) => teams.list({ cursor: request.query.cursor, limit: request.query.limit ?? 50 }));

  app.post('/teams', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Create a team (contacts and the channels it reads)', body: TeamCreateBody, response: { 201: TeamView, ...problemResponses } },
  }, async (request, reply) => {
    const team = await createTeam(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(team.version)).header('location', `/api/v1/teams/${team.id}`).send(team);
  });

  app.get('/teams/:id', {
    config: { access: 'routing:read' },
    schema: { tags, summary: 'Read a team', params: IdParams, querystring: AsOfQuery, response: { 200: TeamView, ...problemResponses } },
  }, async (request, reply) => {
    const { id } = request.params;
    const team = request.query.asOf !== undefined ? await entityAsOf(deps.db, 'team', id, request.query.asOf) : await teams.get(id);
    if (team === null) throw notFound('team', request.params.id);
    return reply.header('etag', etagOf(team.version)).send(team);
  });

  app.patch('/teams/:id', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Change a team', params: IdParams, headers: IfMatchHeaders, body: TeamPatchBody, response: { 200: TeamView, ...problemResponses } },
  }, async (request, reply) => {
    const team = await updateTeam(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(team.version)).send(team);
  });

  app.delete('/teams/:id', {
    config: { access: 'routing:write' },
    schema: { tags, summary: 'Delete a team (409 while a route names it)', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await deleteTeam(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });
};
