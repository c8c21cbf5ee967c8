import type { Alert } from '../alerts/alert.ts';
import { appendToAlert } from '../alerts/alert-store.ts';
import { messageFor, queueTo, type AlertDeps } from '../alerts/notify.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { KpiLabels } from '../kpis/labels.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import { routeAlert, type DefaultRoute, type RouteRule } from '../routing/route.ts';
import { idsOfStep, stepRecipients } from './step-recipients.ts';

/**
 * The shell of escalation chains: fixing the route decision's chain on an alert when it opens, and
 * notifying a step when the timer worker finds it due (core/escalation/due.ts decides which).
 */

export interface RoutingRules {
  readonly rules: readonly RouteRule[];
  readonly defaultRoute: DefaultRoute;
}

/** Loads the rules once per use (a run that opens many alerts asks once). */
export function rulesLoader(tx: Pick<TxPorts, 'routes'>): () => Promise<RoutingRules> {
  let loaded: Promise<RoutingRules> | null = null;
  return () => (loaded ??= Promise.all([tx.routes.all(), tx.routes.getDefault()]).then(([rules, defaultRoute]) => ({ rules, defaultRoute })));
}

/**
 * Fixes the escalation chain of a just-opened alert, not yet stored: the route decision's chain, copied
 * onto the alert with AlertEscalationStarted, so that editing routes or the chain later does not change
 * an escalation already running. Without a chain the alert is returned as it was.
 */
export async function startEscalation(
  tx: TxPorts, alert: Alert, kpi: Pick<Kpi, 'id' | 'owner'> & { readonly labels?: KpiLabels }, routing: () => Promise<RoutingRules>, meta: EventMeta,
): Promise<Alert> {
  const { rules, defaultRoute } = await routing();
  const decision = routeAlert({ kpi: { id: kpi.id, owner: kpi.owner, priority: alert.priority, labels: kpi.labels ?? {} }, severity: alert.severity }, rules, defaultRoute);
  if (decision.escalationChainId === null) return alert;
  const chain = await tx.escalationChains.get(decision.escalationChainId);
  if (chain === null) return alert;
  return appendToAlert(tx, alert, [{
    type: 'AlertEscalationStarted', data: { id: alert.id, chainId: chain.id, name: chain.name, steps: chain.steps, at: alert.openedAt.toISOString() },
  }], meta);
}

/**
 * Notifies step `index` (0-based) of a locked alert's chain: its recipients' outbox rows and
 * AlertEscalationStepNotified, in the caller's transaction; each step once (the event moves the chain on).
 */
export async function notifyEscalationStep(tx: TxPorts, deps: AlertDeps, alert: Alert, index: number, now: Date, meta: EventMeta): Promise<Alert> {
  const chain = alert.escalation;
  const step = chain?.steps[index];
  if (chain === null || step === undefined) return alert;
  const ids = idsOfStep(step);
  const teams = ids.teamIds.length === 0 ? [] : await tx.teams.getMany(ids.teamIds);
  const contactIds = [...new Set([...ids.contactIds, ...teams.flatMap((t) => t.members)])];
  const contacts = contactIds.length === 0 ? [] : await tx.contacts.getMany(contactIds);
  const recipients = stepRecipients(step, { contacts, teams, channels: await tx.channels.all() }, alert.priority, deps.settings.routing);
  const detail = step.afterMinutes === 0
    ? `Escalation chain "${chain.name}", step ${index + 1} of ${chain.steps.length}.`
    : `Not acknowledged after ${step.afterMinutes} minutes: escalation chain "${chain.name}", step ${index + 1} of ${chain.steps.length}.`;
  await queueTo(tx, deps, alert, recipients, 'escalation', messageFor(alert, 'escalation', detail));
  return appendToAlert(tx, alert, [{
    type: 'AlertEscalationStepNotified',
    data: { id: alert.id, alertId: alert.id, chainId: chain.chainId, step: index + 1, afterMinutes: step.afterMinutes, recipients, at: now.toISOString() },
  }], meta);
}
