import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createDataSource, deleteDataSource, updateDataSource } from '../../../core/datasources/datasource-commands.ts';
import { publicDataSource } from '../../../core/datasources/datasource.ts';
import { notFound } from '../../../core/errors.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { grants } from '../../../core/auth/scopes.ts';
import type { DataSourceGuard } from '../../../core/datasources/datasource-commands.ts';
import type { DataSourceInspector } from '../../../core/datasources/inspection.ts';
import type { FastifyRequest } from 'fastify';
import { AsOfQuery, entityAsOf } from '../as-of.ts';
import type { Queryable } from '../../storage/db.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { DataSourceCreateBody, DataSourceListQuery, DataSourcePatchBody, DataSourceView } from '../schemas/datasource.ts';

const tags = ['Data sources'];

/** Inspection of the changed source, and allowPrivilegedUser for administrators only. */
const guardOf = (request: FastifyRequest, inspector: DataSourceInspector | undefined): DataSourceGuard => ({
  inspector, mayAllowPrivileged: grants(request.principal?.scopes ?? [], 'admin:*'),
});

export const dataSourceRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps & { db: Queryable }; inspector?: DataSourceInspector | undefined }> = async (app, { deps, inspector }) => {
  const dataSources = deps.uow.read.dataSources;

  app.get('/datasources', {
    config: { access: 'datasources:read' },
    schema: { tags, summary: 'List data sources (monitored databases)', querystring: DataSourceListQuery, response: { 200: pageOf(DataSourceView), ...problemResponses } },
  }, async (request) => {
    const page = await dataSources.list({ ...request.query, limit: request.query.limit ?? 50 });
    return { items: page.items.map(publicDataSource), nextCursor: page.nextCursor };
  });

  app.post('/datasources', {
    config: { access: 'datasources:write' },
    schema: { tags, summary: 'Create a data source', body: DataSourceCreateBody, response: { 201: DataSourceView, ...problemResponses } },
  }, async (request, reply) => {
    const ds = await createDataSource(deps, request.body, metaOf(request), guardOf(request, inspector));
    return reply.status(201).header('etag', etagOf(ds.version)).header('location', `/api/v1/datasources/${ds.id}`).send(publicDataSource(ds));
  });

  app.get('/datasources/:id', {
    config: { access: 'datasources:read' },
    schema: { tags, summary: 'Read a data source (never its password)', params: IdParams, querystring: AsOfQuery, response: { 200: DataSourceView, ...problemResponses } },
  }, async (request, reply) => {
    const ds = request.query.asOf !== undefined ? await entityAsOf(deps.db, 'datasource', request.params.id, request.query.asOf) : await dataSources.get(request.params.id);
    if (ds === null) throw notFound('data source', request.params.id);
    return reply.header('etag', etagOf(ds.version)).send(publicDataSource(ds));
  });

  app.patch('/datasources/:id', {
    config: { access: 'datasources:write' },
    schema: { tags, summary: 'Change a data source', params: IdParams, headers: IfMatchHeaders, body: DataSourcePatchBody, response: { 200: DataSourceView, ...problemResponses } },
  }, async (request, reply) => {
    const ds = await updateDataSource(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request), guardOf(request, inspector));
    return reply.header('etag', etagOf(ds.version)).send(publicDataSource(ds));
  });

  app.delete('/datasources/:id', {
    config: { access: 'datasources:write' },
    schema: { tags, summary: 'Delete a data source no KPI uses', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await deleteDataSource(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });
};
