import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { acknowledgeAlert, resolveAlert, resolveAlerts, type AlertCommandDeps } from '../../../core/alerts/alert-commands.ts';
import { retryNotification } from '../../../core/alerts/notification-commands.ts';
import { alertLink } from '../../../core/alerts/notify.ts';
import { previewAlert } from '../../../core/alerts/preview.ts';
import type { Alert } from '../../../core/alerts/alert.ts';
import { notFound } from '../../../core/errors.ts';
import { seriesKeyOut } from '../../../core/executions/transitions.ts';
import { metaOf } from '../request-context.ts';
import {
  AlertDetailView, AlertListQuery, AlertView, BulkResolveBody, BulkResolveView, NoteBody, NotificationListQuery, NotificationView,
  PreviewBody, PreviewView, StatisticsQuery, StatisticsView,
} from '../schemas/alert.ts';
import { IdParams, pageOf, problemResponses } from '../schemas/common.ts';

const tags = ['Alerts'];
const dateOf = (s: string | undefined): Date | undefined => (s === undefined ? undefined : new Date(s));
/** The note is optional, so is the body: `curl -XPOST …/acknowledge` with nothing else must work. */
export const bodyOptional = async (request: { body: unknown }): Promise<void> => {
  request.body ??= {};
};

/** An alert as the API shows it: a single-value KPI's series has no key (null, as in executions). */
const alertView = <A extends Alert>(a: A): Omit<A, 'key'> & { key: string | null } => ({ ...a, key: seriesKeyOut(a.key) });

/** The alert log, acknowledge/resolve, the delivery log with dead-letter retry, and message preview. */
export const alertRoutes: FastifyPluginAsyncTypebox<{ deps: AlertCommandDeps }> = async (app, { deps }) => {
  const read = deps.uow.read;

  app.get('/alerts', {
    config: { access: 'alerts:read' },
    schema: { tags, summary: 'List alerts, newest first', querystring: AlertListQuery, response: { 200: pageOf(AlertView), ...problemResponses } },
  }, async (request) => {
    const q = request.query;
    const page = await read.alerts.list({ ...q, from: dateOf(q.from), to: dateOf(q.to), limit: q.limit ?? 50 });
    return { ...page, items: page.items.map(alertView) };
  });

  app.get('/alerts/statistics', {
    config: { access: 'alerts:read' },
    schema: {
      tags, summary: 'Alert counts by status, severity, KPI and day; mean time to acknowledge and to resolve',
      querystring: StatisticsQuery, response: { 200: StatisticsView, ...problemResponses },
    },
  }, async (request) => read.alerts.statistics({ kpiId: request.query.kpiId, from: dateOf(request.query.from), to: dateOf(request.query.to) }));

  app.get('/alerts/:id', {
    config: { access: 'alerts:read' },
    schema: { tags, summary: 'One alert with every notification and its delivery status', params: IdParams, response: { 200: AlertDetailView, ...problemResponses } },
  }, async (request) => {
    const alert = await read.alerts.get(request.params.id);
    if (alert === null) throw notFound('alert', request.params.id);
    return { ...alertView(alert), notifications: await read.outbox.forAlert(alert.id) };
  });

  app.post('/alerts/:id/acknowledge', {
    config: { access: 'alerts:write' },
    preValidation: bodyOptional,
    schema: { tags, summary: 'Acknowledge an alert: stops reminders and escalation', params: IdParams, body: NoteBody, response: { 200: AlertView, ...problemResponses } },
  }, async (request) => alertView(await acknowledgeAlert(deps, request.params.id, request.body.note ?? null, metaOf(request))));

  app.post('/alerts/:id/resolve', {
    config: { access: 'alerts:write' },
    preValidation: bodyOptional,
    schema: { tags, summary: 'Resolve an alert by hand', params: IdParams, body: NoteBody, response: { 200: AlertView, ...problemResponses } },
  }, async (request) => alertView(await resolveAlert(deps, request.params.id, request.body.note ?? null, metaOf(request))));

  app.post('/alerts/resolve', {
    config: { access: 'alerts:write' },
    schema: { tags, summary: 'Resolve many alerts; those not found or resolved already are listed as skipped', body: BulkResolveBody, response: { 200: BulkResolveView, ...problemResponses } },
  }, async (request) => resolveAlerts(deps, request.body.ids, request.body.note ?? null, metaOf(request)));

  app.get('/notifications', {
    config: { access: 'alerts:read' },
    schema: {
      tags, summary: 'The delivery log, newest first; status=dead lists the dead letters', querystring: NotificationListQuery,
      response: { 200: pageOf(NotificationView), ...problemResponses },
    },
  }, async (request) => read.outbox.list({ ...request.query, limit: request.query.limit ?? 50 }));

  app.post('/notifications/:id/retry', {
    config: { access: 'alerts:write' },
    schema: { tags, summary: 'Send a dead letter again (fresh attempts, due now)', params: IdParams, response: { 200: NotificationView, ...problemResponses } },
  }, async (request) => retryNotification(deps, request.params.id));

  app.post('/kpis/:id/preview', {
    config: { access: 'kpi:read' },
    preValidation: bodyOptional,
    schema: {
      tags: ['KPIs'], summary: 'Render the alert subject, body and SMS of a KPI for a given value, or for its last execution',
      description: 'Without a value: the series of the last execution that recorded one (the given key, else the first that breached); 409 when there is none yet.',
      params: IdParams, body: PreviewBody, response: { 200: PreviewView, ...problemResponses },
    },
  }, async (request) => previewAlert(read, request.params.id, request.body, alertLink(deps.settings, 'alr_preview'), deps.clock.now()));
};
