import { notifyEscalationStep } from '../escalation/escalate.ts';
import { notFound } from '../errors.ts';
import type { EventMeta, TxPorts, UnitOfWork } from '../ports.ts';
import type { Alert } from './alert.ts';
import { appendToAlert, withTimer } from './alert-store.ts';
import { decideAcknowledge, decideOnTime, decideResolve } from './decide.ts';
import { policyFor } from './judgement.ts';
import { notifyOpening } from './handle-judgements.ts';
import { holdersAt, reconsiderSilence } from './silencing.ts';
import { queueNotifications, type AlertDeps } from './notify.ts';

export interface AlertCommandDeps extends AlertDeps {
  readonly uow: UnitOfWork;
}

const DEFAULT_COOLDOWN_MINUTES = 30;

async function lockAlert(tx: TxPorts, id: string): Promise<Alert> {
  const alert = await tx.alerts.lock(id);
  if (alert === null) throw notFound('alert', id);
  return alert;
}

/** Stops reminders and escalation; `by` is who acknowledged (the caller's identity). */
export async function acknowledgeAlert(deps: AlertCommandDeps, id: string, note: string | null, meta: EventMeta): Promise<Alert> {
  return deps.uow.run(async (tx) => {
    const current = await lockAlert(tx, id);
    const alert = await appendToAlert(tx, current, decideAcknowledge(current, meta.actor, note, deps.clock.now()), meta);
    if (alert === current) return current;
    const kpi = await tx.kpis.get(alert.kpiId);
    // A deleted KPI's alert falls back to the global policy.
    const policy = kpi === null ? deps.settings.policy : policyFor(deps.settings.policy, kpi);
    const saved = withTimer(alert, policy, kpi?.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES);
    // Incident tools (PagerDuty, Opsgenie) that were told of the alert are told it is acknowledged.
    if (alert.openingNotified && kpi !== null) {
      await queueNotifications(tx, deps, alert, kpi, [], 'acknowledged', `Acknowledged by ${meta.actor}${note ? `: ${note}` : ''}.`);
    }
    await tx.alerts.update(saved);
    return saved;
  });
}

/** Resolves by hand inside a transaction; the "resolved" notification goes out when the opening one did. */
async function resolveIn(tx: TxPorts, deps: AlertDeps, id: string, note: string | null, meta: EventMeta): Promise<Alert> {
  const current = await lockAlert(tx, id);
  const alert = await appendToAlert(tx, current, decideResolve(current, meta.actor, 'manual', note, deps.clock.now()), meta);
  const kpi = await tx.kpis.get(alert.kpiId);
  if (alert.openingNotified && kpi !== null) {
    const detail = `Resolved by ${meta.actor}${note ? `: ${note}` : ''}.`;
    await queueNotifications(tx, deps, alert, kpi, await tx.contacts.getMany(kpi.contactIds), 'resolved', detail);
  }
  await tx.alerts.update(alert);
  return alert;
}

export const resolveAlert = (deps: AlertCommandDeps, id: string, note: string | null, meta: EventMeta): Promise<Alert> =>
  deps.uow.run((tx) => resolveIn(tx, deps, id, note, meta));

export interface BulkResolveResult {
  readonly resolved: string[];
  /** Alerts left as they were, with why (not found, resolved already). */
  readonly skipped: { id: string; reason: string }[];
}

/**
 * Resolves many alerts, each in its own transaction: holding one alert lock at a time, it cannot deadlock
 * with an execution that holds several. Those that cannot be resolved are reported, not fatal.
 */
export async function resolveAlerts(deps: AlertCommandDeps, ids: readonly string[], note: string | null, meta: EventMeta): Promise<BulkResolveResult> {
  const result: BulkResolveResult = { resolved: [], skipped: [] };
  for (const id of new Set(ids)) {
    const outcome = await deps.uow.run(async (tx) => {
      const current = await tx.alerts.lock(id);
      if (current === null) return 'not found';
      if (current.status === 'resolved') return 'resolved already';
      await resolveIn(tx, deps, id, note, meta);
      return null;
    });
    if (outcome === null) result.resolved.push(id);
    else result.skipped.push({ id, reason: outcome });
  }
  return result;
}

/**
 * The time-driven part of alerting, for the timer worker: opening notifications held by a cooldown,
 * reminders and escalations that are due. Claims up to `limit` due alerts (other nodes skip them).
 * Returns how many alerts it handled.
 */
export async function runAlertTimers(deps: AlertCommandDeps, meta: EventMeta, limit = 100): Promise<number> {
  return deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const ids = await tx.alerts.claimDueTimers(now, limit);
    for (const id of ids) await onTime(tx, deps, id, now, meta);
    return ids.length;
  });
}

async function onTime(tx: TxPorts, deps: AlertDeps, id: string, now: Date, meta: EventMeta): Promise<void> {
  let alert = await lockAlert(tx, id);
  const kpi = await tx.kpis.get(alert.kpiId);
  if (kpi === null) {
    await tx.alerts.update({ ...alert, nextTimerAt: null }); // the KPI is gone: nobody left to tell
    return;
  }
  const policy = policyFor(deps.settings.policy, kpi);
  const wasSilenced = alert.silenceId !== null;
  alert = await reconsiderSilence(tx, alert, kpi, await holdersAt(tx, now), now, meta);
  // What a silence held back goes out when it is over: the opening notification first.
  if (wasSilenced && alert.silenceId === null && !alert.openingNotified) alert = await notifyOpening(tx, deps, alert, kpi, now);
  for (const intent of alert.silenceId !== null ? [] : decideOnTime(alert, policy, kpi.cooldownMinutes, now)) {
    if (intent.type === 'notify_opening') alert = await notifyOpening(tx, deps, alert, kpi, now);
    if (intent.type === 'remind') {
      await queueNotifications(tx, deps, alert, kpi, await tx.contacts.getMany(kpi.contactIds), 'reminder');
      alert = { ...alert, lastNotifiedAt: now };
    }
    if (intent.type === 'escalation_step') alert = await notifyEscalationStep(tx, deps, alert, intent.step, now, meta);
    if (intent.type === 'escalate') {
      const owners = await tx.alerts.ownerContacts(kpi.owner);
      const event = { type: 'AlertEscalated' as const, data: { id, contactIds: owners.map((c) => c.id), afterMinutes: policy.escalateAfterMinutes, at: now.toISOString() } };
      alert = await appendToAlert(tx, alert, [event], meta);
      const detail = `Not acknowledged after ${policy.escalateAfterMinutes} minutes; you are the owner (${kpi.owner}).`;
      await queueNotifications(tx, deps, alert, kpi, owners, 'escalation', detail);
    }
  }
  await tx.alerts.update(withTimer(alert, policy, kpi.cooldownMinutes));
}
