import { seriesKeyOut } from '../executions/transitions.ts';
import type { Contact } from '../contacts/contact.ts';
import type { Clock, IdGenerator, TxPorts } from '../ports.ts';
import type { Alert } from './alert.ts';
import type { NotificationPurpose } from './alert-events.ts';
import type { NewNotification } from './alert-ports.ts';
import type { AlertPolicy } from './judgement.ts';
import type { Message } from './render.ts';
import { routeNotification, type RoutedKpi } from '../routing/load-routing.ts';
import type { Recipient, RoutingSettings } from './routing.ts';

/** Everything alerting needs besides the ports: the policy, the routing and where links point. */
export interface AlertSettings {
  readonly policy: AlertPolicy;
  readonly routing: RoutingSettings;
  /** The base of `{link}`: the alert's page on the dashboard, `<linkBaseUrl>/#/alerts/<id>`. */
  readonly linkBaseUrl: string;
  /** The alerts one run of a KPI may open (ALERT_MAX_PER_RUN, default 100); past it one summary alert. */
  readonly maxAlertsPerRun?: number;
}

export interface AlertDeps {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly settings: AlertSettings;
}

export const SMS_MAX_CHARS = 160;

/** Where a person reading the message goes: the alert's page on the dashboard (it asks them to sign in first). */
export const alertLink = (settings: AlertSettings, alertId: string): string =>
  `${settings.linkBaseUrl.replace(/\/+$/, '')}/#/alerts/${encodeURIComponent(alertId)}`;

/** The message of a notification of this purpose, from the alert's opening message. */
export function messageFor(alert: Alert, purpose: NotificationPurpose, detail: string): Message {
  switch (purpose) {
    case 'opened':
      return { subject: alert.subject, body: alert.body };
    case 'reminder':
      return { subject: `Reminder: ${alert.subject}`, body: `Still firing and not acknowledged. ${alert.body}` };
    case 'escalation':
      return { subject: `Escalation: ${alert.subject}`, body: `${detail} ${alert.body}` };
    case 'acknowledged':
      return { subject: `Acknowledged: ${alert.subject}`, body: `${detail} ${alert.body}`.trim() };
    case 'resolved':
      return { subject: `Resolved: ${alert.subject}`, body: `${detail} Opened at ${alert.openedAt.toISOString()}. ${alert.body}` };
  }
}

/** The alert list of a KPI on the dashboard: where a message about many of its alerts points. */
export const alertsLink = (settings: AlertSettings, kpiId: string): string =>
  `${settings.linkBaseUrl.replace(/\/+$/, '')}/#/alerts?kpiId=${encodeURIComponent(kpiId)}`;

/**
 * What every HTTP channel's notification carries: the alert as data. Our own webhook receives it as it
 * is; each provider's adapter builds its request from it (a Slack text, an Adaptive Card, a PagerDuty event);
 * a message about several alerts of one run (grouped) names them all in `alertIds`.
 */
function payloadFor(r: Recipient, alert: Alert, purpose: NotificationPurpose, m: Message, link: string, alertIds: readonly string[] | null): Record<string, unknown> | null {
  if (r.kind === 'email' || r.kind === 'sms') return null;
  return {
    purpose, subject: m.subject, body: m.body, ...(alertIds === null ? {} : { alertIds }),
    alert: {
      id: alert.id, kind: alert.kind, kpiId: alert.kpiId, indicator: alert.indicator, key: seriesKeyOut(alert.key), status: alert.status,
      severity: alert.severity, value: alert.value, baseline: alert.baseline, deviationPercent: alert.deviationPercent,
      band: alert.band, reasons: alert.reasons, openedAt: alert.openedAt.toISOString(), link,
    },
  };
}

/**
 * Writes one outbox row per recipient (in the caller's transaction): the contacts given, the configured
 * webhooks and the stored channels that serve the KPI, and the teams and channels the routing rules name
 * for this alert's severity (read in the same transaction; see core/routing), each address once. SMS carry the subject trimmed to
 * 160 characters, as the gateway delivers only that. Returns how many were queued.
 */
export async function queueNotifications(
  tx: TxPorts, deps: AlertDeps, alert: Alert, kpi: RoutedKpi, contacts: readonly Contact[],
  purpose: NotificationPurpose, detail = '',
): Promise<number> {
  return queueMessage(tx, deps, alert, kpi, contacts, purpose, messageFor(alert, purpose, detail));
}

/**
 * Writes one outbox row per recipient of a given message, recorded on `alert` (a grouped message on the
 * first alert of its group, with `alertIds` naming them all). Returns how many were queued.
 */
export async function queueMessage(
  tx: TxPorts, deps: AlertDeps, alert: Alert, kpi: RoutedKpi, contacts: readonly Contact[],
  purpose: NotificationPurpose, m: Message, o: { alertIds?: readonly string[]; link?: string } = {},
): Promise<number> {
  const { recipients } = await routeNotification(tx, deps.settings.routing, kpi, alert.severity, contacts, purpose);
  return queueTo(tx, deps, alert, recipients, purpose, m, o);
}

/** Writes one outbox row per given recipient of a message (an escalation step names its own). Returns how many were queued. */
export async function queueTo(
  tx: TxPorts, deps: AlertDeps, alert: Alert, recipients: readonly Recipient[], purpose: NotificationPurpose, m: Message,
  o: { alertIds?: readonly string[]; link?: string } = {},
): Promise<number> {
  const now = deps.clock.now();
  const link = o.link ?? alertLink(deps.settings, alert.id);
  const rows: NewNotification[] = recipients.map((r) => {
    const sms = r.kind === 'sms';
    return {
      id: deps.ids.next('notification'), alertId: alert.id, kpiId: alert.kpiId, purpose, channel: r.channel, recipient: r.address,
      contactId: r.contactId, subject: sms ? '' : m.subject, body: sms ? m.subject.slice(0, SMS_MAX_CHARS) : m.body,
      payload: payloadFor(r, alert, purpose, m, link, o.alertIds ?? null), createdAt: now,
    };
  });
  if (rows.length > 0) await tx.outbox.enqueue(rows);
  return rows.length;
}
