import type { HttpRequest } from '../http-send.ts';
import { endpoint, type ChannelTarget, type OutgoingMessage, type Provider } from './message.ts';

const SEVERITY: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { critical: 'critical', high: 'error', medium: 'warning', low: 'info' };

function event(t: ChannelTarget, m: OutgoingMessage, action: 'trigger' | 'acknowledge' | 'resolve', dedupKey: string, now: Date): HttpRequest {
  const base = { routing_key: t.settings.routingKey!, event_action: action, dedup_key: dedupKey };
  if (action !== 'trigger') return { url: endpoint(t, 'https://events.pagerduty.com/v2/enqueue'), headers: {}, body: base };
  const a = m.alert;
  const body = {
    ...base,
    payload: {
      summary: m.subject.slice(0, 1024), source: a?.indicator ?? 'MonitoringGrid', severity: SEVERITY[a?.severity ?? ''] ?? 'info',
      timestamp: a?.openedAt ?? now.toISOString(), component: a?.key ?? undefined, group: a?.kpiId, class: 'kpi',
      custom_details: { body: m.body, value: a?.value ?? null, baseline: a?.baseline ?? null },
    },
    client: 'MonitoringGrid',
    ...(a?.link ? { client_url: a.link, links: [{ href: a.link, text: 'The alert in MonitoringGrid' }] } : {}),
  };
  return { url: endpoint(t, 'https://events.pagerduty.com/v2/enqueue'), headers: {}, body };
}

/**
 * PagerDuty Events API v2 (POST /v2/enqueue, the integration key as `routing_key`). One `dedup_key` per
 * alert, its id: opening (and reminders) trigger, acknowledging acknowledges, resolving resolves the same
 * incident. A test triggers an info event under a key of its own and resolves it at once.
 */
export const pagerduty: Provider = (t, m, now) => {
  if (m.purpose === 'test') return [event(t, m, 'trigger', `mg-test-${m.notificationId}`, now), event(t, m, 'resolve', `mg-test-${m.notificationId}`, now)];
  const action = m.purpose === 'resolved' ? 'resolve' : m.purpose === 'acknowledged' ? 'acknowledge' : 'trigger';
  return [event(t, m, action, m.alertId, now)];
};
