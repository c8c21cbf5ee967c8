import type { Alert } from '../alerts/alert.ts';
import { appendToAlert } from '../alerts/alert-store.ts';
import { messageFor, queueTo, type AlertDeps } from '../alerts/notify.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { KpiLabels } from '../kpis/labels.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import { routeAlert, type DefaultRoute, type RouteRule } from '../routing/route.ts';
import { idsOfStep, stepRecipients } from './step-recipients.ts';
import type { EscalationStep } from './chain.ts';
import type { StepRecipient } from '../alerts/alert-events.ts';
import type { Message } from '../alerts/render.ts';
import { INCIDENT_KINDS } from '../channels/channel.ts';

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
  const recipients = await recipientsOfStep(tx, deps, alert, step);
  const detail = step.afterMinutes === 0
    ? `Escalation chain "${chain.name}", step ${index + 1} of ${chain.steps.length}.`
    : `Not acknowledged after ${step.afterMinutes} minutes: escalation chain "${chain.name}", step ${index + 1} of ${chain.steps.length}.`;
  await queueTo(tx, deps, alert, recipients, 'escalation', messageFor(alert, 'escalation', detail));
  return appendToAlert(tx, alert, [{
    type: 'AlertEscalationStepNotified',
    data: { id: alert.id, alertId: alert.id, chainId: chain.chainId, step: index + 1, afterMinutes: step.afterMinutes, recipients, at: now.toISOString() },
  }], meta);
}

/** A step's recipients now (its teams' members as they are now), loaded in the caller's transaction. */
async function recipientsOfStep(tx: TxPorts, deps: AlertDeps, alert: Alert, step: EscalationStep): Promise<StepRecipient[]> {
  const ids = idsOfStep(step);
  const teams = ids.teamIds.length === 0 ? [] : await tx.teams.getMany(ids.teamIds);
  const contactIds = [...new Set([...ids.contactIds, ...teams.flatMap((t) => t.members)])];
  const contacts = contactIds.length === 0 ? [] : await tx.contacts.getMany(contactIds);
  return stepRecipients(step, { contacts, teams, channels: await tx.channels.all() }, alert.priority, deps.settings.routing);
}

/**
 * Tells those the chain's notified steps reached that the alert was resolved, or (incident tools only,
 * as everywhere) acknowledged: a PagerDuty incident a step opened must not stay open. Each address once,
 * none this transaction already told of it for the same purpose. Returns how many were queued.
 */
export async function tellEscalated(tx: TxPorts, deps: AlertDeps, alert: Alert, purpose: 'acknowledged' | 'resolved', m: Message): Promise<number> {
  const chain = alert.escalation;
  if (chain === null || chain.notified === 0) return 0;
  const told = new Set((await tx.outbox.forAlert(alert.id)).filter((n) => n.purpose === purpose).map((n) => `${n.channel}\0${n.recipient}`));
  const out = new Map<string, StepRecipient>();
  for (const step of chain.steps.slice(0, chain.notified)) {
    for (const r of await recipientsOfStep(tx, deps, alert, step)) {
      const key = `${r.channel}\0${r.address}`;
      if (!told.has(key) && (purpose === 'resolved' || INCIDENT_KINDS.includes(r.kind))) out.set(key, r);
    }
  }
  return queueTo(tx, deps, alert, [...out.values()], purpose, m);
}
