import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { invalid } from '../../../core/errors.ts';
import { exportAudit } from '../../audit/audit-export.ts';
import { auditStatistics, searchAudit, type AuditFilter } from '../../storage/audit.repo.ts';
import type { Queryable } from '../../storage/db.ts';
import type { Tracer } from '../../../core/tracer.ts';
import { problemResponses } from '../schemas/common.ts';
import {
  AuditExportBody, AuditFilterFields, AuditPage, AuditSearchBody, AuditStatisticsView, EntityTypeParam, PagingQuery, TimeRangeQuery,
} from '../schemas/audit.ts';

const tags = ['Audit trail'];
type FilterInput = Partial<Static<ReturnType<typeof Type.Object<typeof AuditFilterFields>>>>;

/** The body's filters as the repository's, with a time range that must run forwards. */
function filterOf(input: FilterInput): Omit<AuditFilter, 'cursor' | 'limit'> {
  const from = input.from === undefined ? undefined : new Date(input.from);
  const to = input.to === undefined ? undefined : new Date(input.to);
  if (from && to && from >= to) throw invalid([{ path: '/from', message: 'must be before to' }]);
  return {
    entityType: input.entityType, entityId: input.entityId, eventTypes: input.eventTypes, actor: input.actor,
    correlationId: input.correlationId, from, to, q: input.q, field: input.field,
  };
}

export const auditTrailRoutes: FastifyPluginAsyncTypebox<{ db: Queryable; tracer: Tracer }> = async (app, { db, tracer }) => {
  app.get('/audittrail/entity/:entityType/:entityId', {
    config: { access: 'audit:read' },
    schema: {
      tags, summary: 'The history of one KPI, contact, data source, alert, user or API key, newest first',
      params: Type.Object({ entityType: EntityTypeParam, entityId: Type.String({ minLength: 1, maxLength: 200 }) }),
      querystring: PagingQuery,
      response: { 200: AuditPage, ...problemResponses },
    },
  }, async (request) => searchAudit(db, { ...request.params, cursor: request.query.cursor, limit: request.query.limit ?? 50 }));

  app.post('/audittrail/search', {
    config: { access: 'audit:read' },
    schema: {
      tags, summary: 'Search the audit trail, newest first',
      description: 'Filters combine with AND: entity type and id, event types, actor, correlation id, time range, free text, changed field.',
      body: AuditSearchBody, response: { 200: AuditPage, ...problemResponses },
    },
  }, async (request) => {
    const filter = filterOf(request.body);
    const used = Object.keys(filter).filter((k) => filter[k as keyof typeof filter] !== undefined);
    // Searching the trail is itself worth a line: who looked for what.
    request.log.info({ actor: request.actor, filters: used }, 'audit trail searched');
    return tracer.withSpan('audit.search', { 'audit.filters': used.join(',') }, () =>
      searchAudit(db, { ...filter, cursor: request.body.cursor, limit: request.body.limit ?? 50 }));
  });

  app.post('/audittrail/export', {
    config: { access: 'audit:read' },
    schema: {
      tags, summary: 'Every matching entry as CSV or JSON lines (at most 200,000; narrow the time range for more)',
      body: AuditExportBody,
      // 200 is a stream of text/csv or application/x-ndjson; a schema would make fastify serialise it.
    },
  }, async (request, reply) => {
    const format = request.body.format ?? 'jsonl';
    const filter = filterOf(request.body);
    return reply
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-trail.${format === 'csv' ? 'csv' : 'jsonl'}"`)
      .send(Readable.from(exportAudit(db, filter, format)));
  });

  app.get('/audittrail/system', {
    config: { access: 'admin:*' },
    schema: { tags, summary: 'Everything, newest first (administrators)', querystring: PagingQuery, response: { 200: AuditPage, ...problemResponses } },
  }, async (request) => searchAudit(db, { cursor: request.query.cursor, limit: request.query.limit ?? 50 }));

  app.get('/audittrail/statistics', {
    config: { access: 'audit:read' },
    schema: {
      tags, summary: 'Counts by event type, entity type, actor (top 50) and UTC day',
      querystring: TimeRangeQuery, response: { 200: AuditStatisticsView, ...problemResponses },
    },
  }, async (request) => {
    const { from, to } = filterOf(request.query);
    return auditStatistics(db, { from, to });
  });
};
