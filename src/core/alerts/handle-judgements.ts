import { streamIds } from '../events.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import type { Alert, AlertKind } from './alert.ts';
import type { AlertOpenedData } from './alert-events.ts';
import { appendToAlert, withTimer } from './alert-store.ts';
import { decideOnOutcome, decideOnStatus, decideResolve, type AlertIntent, type Counters, type Decision } from './decide.ts';
import { policyFor, type SeriesJudgement } from './judgement.ts';
import { alertLink, queueNotifications, type AlertDeps } from './notify.ts';
import { renderFailingMessage, renderKpiMessage, formatNumber } from './render.ts';
import { breachSeverity, failingSeverity } from './severity.ts';
import { evolve } from './decide.ts';
import { silenceLoader, silenceTarget } from './silencing.ts';
import { silenceFor, type Silence } from '../silences/silence.ts';

export interface JudgementsHandled {
  readonly opened: string[];
  readonly resolved: string[];
}

/**
 * The entry point for the execution side: call it inside YOUR transaction with the judgements of one
 * execution (or several). It locks the counters and alerts it needs, decides, appends the alert events,
 * updates the alert log and writes the outbox rows through `tx`, so everything commits or rolls back
 * with the execution record. Nothing is sent here: the delivery workers send what the outbox holds.
 */
export async function handleJudgements(tx: TxPorts, judgements: readonly SeriesJudgement[], deps: AlertDeps, meta: EventMeta): Promise<JudgementsHandled> {
  const handled: JudgementsHandled = { opened: [], resolved: [] };
  const statusSeen = new Set<string>();
  const silences = silenceLoader(tx, deps.clock.now());
  for (const j of judgements) {
    const policy = policyFor(deps.settings.policy, j.kpi);
    // Failures count per execution: one status decision per KPI and execution, however many keys it had.
    const statusKey = `${j.kpi.id}\0${j.executionId}`;
    if (!statusSeen.has(statusKey)) {
      statusSeen.add(statusKey);
      await decideAndApply(tx, deps, meta, j, 'kpi', '', 'failing', handled, silences, (c, a, now) =>
        decideOnStatus(c, a, j.status, policy, j.kpi.cooldownMinutes, now));
    }
    if (j.status === 'success') {
      await decideAndApply(tx, deps, meta, j, 'series', j.key, 'breach', handled, silences, (c, a, now) =>
        decideOnOutcome(c, a, j.incident, j.kpi.cooldownMinutes, now));
    }
  }
  return handled;
}

async function decideAndApply(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, j: SeriesJudgement, scope: 'series' | 'kpi', key: string, kind: AlertKind,
  handled: JudgementsHandled, silences: () => Promise<readonly Silence[]>, decide: (c: Counters, active: Alert | null, now: Date) => Decision,
): Promise<void> {
  const now = deps.clock.now();
  const counters = await tx.alerts.lockCounters(j.kpi.id, scope, key);
  const active = await tx.alerts.lockActive(j.kpi.id, key, kind);
  const decision = decide(counters, active, now);
  await tx.alerts.saveCounters(j.kpi.id, scope, key, decision.counters);
  for (const intent of decision.intents) {
    if (intent.type === 'open') handled.opened.push(await openAlert(tx, deps, meta, j, key, intent, decision.counters.failureStreak, now, silences));
    else if (active !== null) handled.resolved.push(await resolveAlert(tx, deps, meta, j, active, intent, now));
  }
}

async function openAlert(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, j: SeriesJudgement, key: string, intent: Extract<AlertIntent, { type: 'open' }>,
  failures: number, now: Date, silences: () => Promise<readonly Silence[]>,
): Promise<string> {
  const { kpi } = j;
  const id = deps.ids.next('alert');
  const link = alertLink(deps.settings, id);
  const breach = intent.kind === 'breach';
  const severity = breach ? breachSeverity(j.deviationPercent, kpi.priority) : failingSeverity(kpi.priority);
  const message = breach
    ? renderKpiMessage(kpi, { key, value: j.value, baseline: j.baseline, deviationPercent: j.deviationPercent, band: j.band, severity, at: j.at, link })
    : renderFailingMessage(kpi, failures, j.error, { severity, at: j.at, link });
  // Under a silence it opens as any other, and nobody hears of it until the silence is over.
  const silence = silenceFor(await silences(), silenceTarget({ kpiId: kpi.id, key, priority: kpi.priority, severity }, kpi), now);
  const data: AlertOpenedData = {
    id, kind: intent.kind, kpiId: kpi.id, indicator: kpi.indicator, key, severity, priority: kpi.priority, executionId: j.executionId,
    openedAt: now.toISOString(), value: breach ? j.value : null, baseline: breach ? j.baseline : null,
    deviationPercent: breach ? j.deviationPercent : null,
    thresholds: { sensitivity: kpi.sensitivity, deviationPercent: kpi.deviationPercent, min: kpi.minThreshold, max: kpi.maxThreshold },
    band: breach ? j.band : null,
    reasons: j.outcome?.kind === 'breach' ? [...j.outcome.reasons] : [], error: j.error, ...message,
    notifyAt: intent.notifyAt === null || silence !== null ? null : intent.notifyAt.toISOString(),
    ...(silence === null ? {} : { silenceId: silence.id, silencedUntil: silence.endsAt }),
  };
  const version = await tx.events.append(streamIds.alert(id), 'no_stream', [{ type: 'AlertOpened', data }], meta);
  let alert: Alert = { ...evolve(null, { type: 'AlertOpened', data }), version };
  if (silence === null && intent.notifyAt === null) alert = await notifyOpening(tx, deps, alert, kpi, now);
  await tx.alerts.insert(withTimer(alert, policyFor(deps.settings.policy, kpi), kpi.cooldownMinutes));
  return id;
}

/** Queues the opening notification; the alert counts as notified when at least one recipient was queued. */
export async function notifyOpening(tx: TxPorts, deps: AlertDeps, alert: Alert, kpi: Kpi, now: Date): Promise<Alert> {
  const contacts = await tx.contacts.getMany(kpi.contactIds);
  const queued = await queueNotifications(tx, deps, alert, kpi, contacts, 'opened');
  // With nobody to tell, no cooldown starts either.
  return { ...alert, openingNotified: queued > 0, notifyAt: null, lastNotifiedAt: queued > 0 ? now : alert.lastNotifiedAt };
}

async function resolveAlert(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, j: SeriesJudgement, active: Alert, intent: Extract<AlertIntent, { type: 'resolve' }>, now: Date,
): Promise<string> {
  const alert = await appendToAlert(tx, active, decideResolve(active, 'system', intent.resolution, null, now), meta);
  if (intent.notify) {
    const detail = intent.resolution === 'ran_again'
      ? `${j.kpi.indicator} runs again.`
      : `Back to normal: ${formatNumber(j.value)} against a baseline of ${formatNumber(j.baseline)}.`;
    await queueNotifications(tx, deps, alert, j.kpi, await tx.contacts.getMany(j.kpi.contactIds), 'resolved', detail);
  }
  await tx.alerts.update(alert);
  return alert.id;
}
