import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../../core/errors.ts';
import { createMaintenanceWindow, deleteMaintenanceWindow, updateMaintenanceWindow } from '../../../core/maintenance/window-commands.ts';
import { windowOccurrence, type MaintenanceWindow } from '../../../core/maintenance/window.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { WindowCreateBody, WindowListQuery, WindowPatchBody, WindowView } from '../schemas/maintenance-window.ts';

const tags = ['Maintenance windows'];

/** Recurring maintenance windows: runs inside are marked and kept out of baselines; their alerts are held. */
export const maintenanceWindowRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps }> = async (app, { deps }) => {
  const read = deps.uow.read.maintenanceWindows;
  const view = (w: MaintenanceWindow) => ({ ...w, kpiIds: w.kpiIds === null ? null : [...w.kpiIds], current: windowOccurrence(w, deps.clock.now()) });

  app.get('/maintenance-windows', {
    config: { access: 'alerts:read' },
    schema: { tags, summary: 'List maintenance windows', querystring: WindowListQuery, response: { 200: pageOf(WindowView), ...problemResponses } },
  }, async (request) => {
    const page = await read.list({ ...request.query, limit: request.query.limit ?? 50 });
    return { ...page, items: page.items.map(view) };
  });

  app.post('/maintenance-windows', {
    config: { access: 'kpi:write' },
    schema: {
      tags, summary: 'Create a recurring maintenance window (cron or RRULE, duration, IANA zone), scoped like a silence',
      body: WindowCreateBody, response: { 201: WindowView, ...problemResponses },
    },
  }, async (request, reply) => {
    const w = await createMaintenanceWindow(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(w.version)).header('location', `/api/v1/maintenance-windows/${w.id}`).send(view(w));
  });

  app.get('/maintenance-windows/:id', {
    config: { access: 'alerts:read' },
    schema: { tags, summary: 'Read a maintenance window', params: IdParams, response: { 200: WindowView, ...problemResponses } },
  }, async (request, reply) => {
    const w = await read.get(request.params.id);
    if (w === null) throw notFound('maintenance window', request.params.id);
    return reply.header('etag', etagOf(w.version)).send(view(w));
  });

  app.patch('/maintenance-windows/:id', {
    config: { access: 'kpi:write' },
    schema: { tags, summary: 'Change a maintenance window', params: IdParams, headers: IfMatchHeaders, body: WindowPatchBody, response: { 200: WindowView, ...problemResponses } },
  }, async (request, reply) => {
    const w = await updateMaintenanceWindow(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(w.version)).send(view(w));
  });

  app.delete('/maintenance-windows/:id', {
    config: { access: 'kpi:write' },
    schema: { tags, summary: 'Delete a maintenance window', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await deleteMaintenanceWindow(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });
};
