import type { HttpRequest } from '../http-send.ts';
import { endpoint, type ChannelTarget, type OutgoingMessage, type Provider } from './message.ts';

const PRIORITY: Record<string, string> = { critical: 'P1', high: 'P2', medium: 'P3', low: 'P4' };

const base = (t: ChannelTarget): string => `${endpoint(t, 'https://api.opsgenie.com')}/v2/alerts`;
const auth = (t: ChannelTarget) => ({ authorization: `GenieKey ${t.settings.apiKey!}` });

function create(t: ChannelTarget, m: OutgoingMessage, alias: string): HttpRequest {
  const a = m.alert;
  return {
    url: base(t), headers: auth(t),
    body: {
      message: m.subject.slice(0, 130), alias, description: `${m.body}${a?.link ? `\n${a.link}` : ''}`.slice(0, 15_000),
      priority: PRIORITY[a?.severity ?? ''] ?? 'P5', source: 'MonitoringGrid', tags: ['monitoring-grid'],
      details: Object.fromEntries(Object.entries({ kpi: a?.indicator, key: a?.key ?? undefined, severity: a?.severity, link: a?.link }).filter(([, v]) => typeof v === 'string')),
    },
  };
}

const action = (t: ChannelTarget, alias: string, verb: 'acknowledge' | 'close', note: string): HttpRequest => ({
  url: `${base(t)}/${encodeURIComponent(alias)}/${verb}?identifierType=alias`, headers: auth(t), body: { source: 'MonitoringGrid', user: 'MonitoringGrid', note: note.slice(0, 25_000) },
});

/**
 * Opsgenie Alert API (`Authorization: GenieKey <key>`): create with `alias` = the alert's id, acknowledge
 * and close by that alias (`identifierType=alias`). Opsgenie answers 202 and processes the request
 * afterwards. A test creates an alert under an alias of its own and closes it.
 */
export const opsgenie: Provider = (t, m) => {
  if (m.purpose === 'test') return [create(t, m, `mg-test-${m.notificationId}`), action(t, `mg-test-${m.notificationId}`, 'close', 'A test message: closed at once')];
  if (m.purpose === 'resolved') return [action(t, m.alertId, 'close', m.body)];
  if (m.purpose === 'acknowledged') return [action(t, m.alertId, 'acknowledge', m.body)];
  return [create(t, m, m.alertId)];
};
