import type { TxPorts } from '../ports.ts';
import type { RoutingView } from './recipients.ts';
import { routeAlert, type RoutableAlert } from './route.ts';

/**
 * Reads the rules, the default route and what the decision names, and decides (in the caller's
 * transaction): the one path both real notifications and `POST /routes/test` take.
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
