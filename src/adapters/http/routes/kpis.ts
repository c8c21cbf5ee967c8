import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../../core/errors.ts';
import { createKpi, deleteKpi, setKpiActive, updateKpi } from '../../../core/kpis/kpi-commands.ts';
import type { KpiRunSummary } from '../../../core/executions/ports.ts';
import type { CommandDeps } from '../../../core/ports.ts';
import { AsOfQuery, entityAsOf } from '../as-of.ts';
import type { Queryable } from '../../storage/db.ts';
import { etagOf, expectedVersionOf, metaOf } from '../request-context.ts';
import { IdParams, IfMatchHeaders, pageOf, problemResponses } from '../schemas/common.ts';
import { KpiCreateBody, KpiListQuery, KpiPatchBody, KpiView } from '../schemas/kpi.ts';

const tags = ['KPIs'];

const withRun = <T extends { id: string }>(k: T, r: KpiRunSummary | undefined | null): T =>
  r === undefined || r === null ? k : { ...k, lastRunAt: r.lastRunAt, nextRunAt: r.nextRunAt, lastValue: r.lastValue, lastStatus: r.lastStatus };

/** Adds the run fields (last run, next run, last value, last status) to KPIs for the read model. */
async function withRuns<T extends { id: string }>(deps: CommandDeps, items: T[]): Promise<T[]> {
  const runs = new Map((await deps.uow.read.executions.summaries(items.map((k) => k.id))).map((r) => [r.kpiId, r]));
  return items.map((k) => withRun(k, runs.get(k.id)));
}

export const kpiRoutes: FastifyPluginAsyncTypebox<{ deps: CommandDeps & { db: Queryable } }> = async (app, { deps }) => {
  const kpis = deps.uow.read.kpis;

  app.get('/kpis', {
    config: { access: 'kpi:read', confirmKeyWhileHandling: true },
    schema: { tags, summary: 'List KPIs', querystring: KpiListQuery, response: { 200: pageOf(KpiView), ...problemResponses } },
  }, async (request) => {
    const page = await kpis.list({ ...request.query, limit: request.query.limit ?? 50 });
    return { ...page, items: await withRuns(deps, page.items) };
  });

  app.post('/kpis', {
    config: { access: 'kpi:write' },
    schema: { tags, summary: 'Create a KPI', body: KpiCreateBody, response: { 201: KpiView, ...problemResponses } },
  }, async (request, reply) => {
    const kpi = await createKpi(deps, request.body, metaOf(request));
    return reply.status(201).header('etag', etagOf(kpi.version)).header('location', `/api/v1/kpis/${kpi.id}`).send(kpi);
  });

  app.get('/kpis/:id', {
    config: { access: 'kpi:read', confirmKeyWhileHandling: true },
    schema: { tags, summary: 'Read a KPI', params: IdParams, querystring: AsOfQuery, response: { 200: KpiView, ...problemResponses } },
  }, async (request, reply) => {
    if (request.query.asOf !== undefined) {
      const kpi = await entityAsOf(deps.db, 'kpi', request.params.id, request.query.asOf);
      if (kpi === null) throw notFound('KPI', request.params.id);
      return reply.header('etag', etagOf(kpi.version)).send((await withRuns(deps, [kpi]))[0]!);
    }
    // The most frequent read of the API: the KPI and its run fields in one round trip.
    const found = await kpis.getWithRun(request.params.id);
    if (found === null) throw notFound('KPI', request.params.id);
    return reply.header('etag', etagOf(found.kpi.version)).send(withRun(found.kpi, found.run));
  });

  app.patch('/kpis/:id', {
    config: { access: 'kpi:write' },
    schema: {
      tags, summary: 'Change some fields of a KPI', description: 'Send If-Match with the version to refuse a stale update (409).',
      params: IdParams, headers: IfMatchHeaders, body: KpiPatchBody, response: { 200: KpiView, ...problemResponses },
    },
  }, async (request, reply) => {
    const kpi = await updateKpi(deps, request.params.id, request.body, expectedVersionOf(request), metaOf(request));
    return reply.header('etag', etagOf(kpi.version)).send(kpi);
  });

  app.delete('/kpis/:id', {
    config: { access: 'kpi:write' },
    schema: { tags, summary: 'Delete a KPI (its event stream stays)', params: IdParams, headers: IfMatchHeaders, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await deleteKpi(deps, request.params.id, expectedVersionOf(request), metaOf(request));
    return reply.status(204).send(null);
  });

  for (const [action, active] of [['activate', true], ['deactivate', false]] as const) {
    app.post(`/kpis/:id/${action}`, {
      config: { access: 'kpi:write' },
      schema: { tags, summary: `${action[0]!.toUpperCase()}${action.slice(1)} a KPI`, params: IdParams, headers: IfMatchHeaders, response: { 200: KpiView, ...problemResponses } },
    }, async (request, reply) => {
      const kpi = await setKpiActive(deps, request.params.id, active, expectedVersionOf(request), metaOf(request));
      return reply.header('etag', etagOf(kpi.version)).send(kpi);
    });
  }
};
