import type { NotificationPurpose } from '../alerts/alert-events.ts';
import { channelRecipient, contactRecipients, recipientsFor, type Recipient, type RoutingSettings } from '../alerts/routing.ts';
import { receives, type NotificationChannel } from '../channels/channel.ts';
import type { Contact } from '../contacts/contact.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { RouteDecision, RouteRule, RouteTargets } from './route.ts';
import type { Team } from './team.ts';

/** A recipient and why it receives: `kpi` (a KPI's contact), `channel` (serves the KPI), `team:<id>` or `route:<id>`. */
export interface RoutedRecipient extends Recipient {
  readonly via: string;
}

/** What the route decision names, loaded: its teams, their members, and the rules (for the routes' own channels). */
export interface RoutingView {
  readonly decision: RouteDecision;
  readonly rules: readonly RouteRule[];
  readonly defaultRoute: RouteTargets;
  readonly teams: readonly Team[];
  /** The contacts who are members of those teams (any that no longer exist are simply absent). */
  readonly members: readonly Contact[];
}

/**
 * Everyone who hears about one notification of an alert: the KPI's own contacts and the channels that
 * serve the KPI (`recipientsFor`, as without routing), then each team the decision names (its members
 * as contacts, its channels), then the channels of the routes that matched (or the default route's),
 * each address once, the first reason kept. A team's or route's channel receives whatever it serves
 * otherwise (the route chose it), but an inactive one stays silent. Escalations (the single escalation
 * to the owner) are not routed: they go to the contacts given only.
 */
export function routedRecipients(
  kpi: Pick<Kpi, 'id' | 'indicator' | 'priority' | 'owner'>, contacts: readonly Contact[], s: RoutingSettings, purpose: NotificationPurpose,
  channels: readonly NotificationChannel[], routing: RoutingView,
): RoutedRecipient[] {
  const out: RoutedRecipient[] = recipientsFor(kpi, contacts, s, purpose, channels).map((r) => ({ ...r, via: r.contactId !== null ? 'kpi' : 'channel' }));
  if (purpose === 'escalation') return dedupe(out);
  const byId = new Map(channels.map((c) => [c.id, c]));
  const channelsOf = (ids: readonly string[], via: string): RoutedRecipient[] => ids.flatMap((id) => {
    const c = byId.get(id);
    const r = c === undefined || !c.active || !receives(c.kind, purpose) ? null : channelRecipient(c, s);
    return r === null ? [] : [{ ...r, via }];
  });
  const members = new Map(routing.members.map((c) => [c.id, c]));
  for (const id of routing.decision.teamIds) {
    const team = routing.teams.find((t) => t.id === id);
    if (team === undefined) continue;
    const via = `team:${team.id}`;
    if (purpose !== 'acknowledged') {
      const people = team.members.flatMap((m) => members.get(m) ?? []);
      out.push(...contactRecipients(kpi.priority, people, s).map((r) => ({ ...r, via })));
    }
    out.push(...channelsOf(team.channels, via));
  }
  for (const routeId of routing.decision.usedDefault ? ['default'] : routing.decision.matchedRouteIds) {
    const route = routeId === 'default' ? routing.defaultRoute : routing.rules.find((r) => r.id === routeId);
    if (route !== undefined) out.push(...channelsOf(route.channels, `route:${routeId}`));
  }
  return dedupe(out);
}

/** Each address once: a person in two teams, or a KPI contact who is also a member, gets one message. */
function dedupe(rs: readonly RoutedRecipient[]): RoutedRecipient[] {
  const seen = new Set<string>();
  return rs.filter((r) => !seen.has(r.address) && Boolean(seen.add(r.address)));
}
