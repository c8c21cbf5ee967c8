import type { NotificationPurpose } from '../alerts/alert-events.ts';
import type { RoutingSettings } from '../alerts/routing.ts';
import type { Severity } from '../alerts/severity.ts';
import type { Contact } from '../contacts/contact.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { TxPorts } from '../ports.ts';
import { routedRecipients, type RoutedRecipient, type RoutingView } from './recipients.ts';
import { routeAlert, type RoutableAlert } from './route.ts';

/** What routing needs of a KPI: what the rules match on and what names it. */
export type RoutedKpi = Pick<Kpi, 'id' | 'indicator' | 'priority' | 'owner' | 'labels'>;

/**
 * Reads the rules, the default route and what the decision names, and decides (in the caller's
 * transaction).
 */
export async function loadRouting(tx: Pick<TxPorts, 'routes' | 'teams' | 'contacts'>, alert: RoutableAlert): Promise<RoutingView> {
  const rules = await tx.routes.all();
  const defaultRoute = await tx.routes.getDefault();
  const decision = routeAlert(alert, rules, defaultRoute);
  const teams = decision.teamIds.length === 0 ? [] : await tx.teams.getMany(decision.teamIds);
  const memberIds = [...new Set(teams.flatMap((t) => t.members))];
  const members = memberIds.length === 0 ? [] : await tx.contacts.getMany(memberIds);
  return { decision, rules, defaultRoute, teams, members };
}

/**
 * Who receives one notification of an alert of this KPI and severity, and why: the one path that both
 * real notifications (`queueMessage`) and `POST /routes/test` take, so the test cannot disagree.
 */
export async function routeNotification(
  tx: Pick<TxPorts, 'routes' | 'teams' | 'contacts' | 'channels'>, s: RoutingSettings, kpi: RoutedKpi, severity: Severity, contacts: readonly Contact[], purpose: NotificationPurpose,
): Promise<{ routing: RoutingView; recipients: RoutedRecipient[] }> {
  const routing = await loadRouting(tx, { kpi, severity });
  const channels = await tx.channels.all();
  return { routing, recipients: routedRecipients(kpi, contacts, s, purpose, channels, routing) };
}
