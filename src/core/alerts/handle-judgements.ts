import { streamIds } from '../events.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import { silenceFor, type Silence } from '../silences/silence.ts';
import type { Alert, AlertKind } from './alert.ts';
import type { AlertOpenedData } from './alert-events.ts';
import { appendToAlert } from './alert-store.ts';
import { decideOnOutcome, decideOnStatus, decideResolve, evolve, type AlertIntent, type Counters, type Decision } from './decide.ts';
import { policyFor, type SeriesJudgement } from './judgement.ts';
import { alertLink, queueNotifications, type AlertDeps } from './notify.ts';
import { renderFailingMessage, renderKpiMessage, formatNumber } from './render.ts';
import { capOf, finishRun, newRunNotices, notifiedAt, type Opening, type Resolving, type RunNotices } from './run-notices.ts';
import { breachSeverity, failingSeverity } from './severity.ts';
import { kpiStateOfRun } from './kpi-state-alerts.ts';
import { holdBackFailing, isUnreachable, sourceStateOfRun } from './dependencies.ts';
import { silenceLoader, silenceTarget } from './silencing.ts';

export interface JudgementsHandled {
  readonly opened: string[];
  readonly resolved: string[];
}

/** The judgements of each execution, in their order (a call may carry several executions). */
function byExecution(judgements: readonly SeriesJudgement[]): SeriesJudgement[][] {
  const runs = new Map<string, SeriesJudgement[]>();
  for (const j of judgements) {
    const key = `${j.kpi.id}\0${j.executionId}`;
    const run = runs.get(key);
    if (run === undefined) runs.set(key, [j]);
    else run.push(j);
  }
  return [...runs.values()];
}

/**
 * The entry point for the execution side: call it inside YOUR transaction with the judgements of one
 * execution (or several). It locks the counters and alerts it needs, decides, appends the alert events,
 * updates the alert log and writes the outbox rows through `tx`, so everything commits or rolls back
 * with the execution record. Nothing is sent here: the delivery workers send what the outbox holds.
 * What one run opens (or resolves) together is told in one message per recipient (run-notices.ts).
 */
export async function handleJudgements(tx: TxPorts, judgements: readonly SeriesJudgement[], deps: AlertDeps, meta: EventMeta): Promise<JudgementsHandled> {
  const handled: JudgementsHandled = { opened: [], resolved: [] };
  const silences = silenceLoader(tx, deps.clock.now());
  for (const run of byExecution(judgements)) {
    const first = run[0]!;
    const policy = policyFor(deps.settings.policy, first.kpi);
    const notices = newRunNotices(run);
    // Failures count per execution: one status decision per KPI and execution, however many keys it had.
    // A source that does not answer holds "KPI failing" back: its owner hears of the source instead.
    const unreachable = isUnreachable(first);
    let streak = 0;
    await decideAndApply(tx, deps, meta, first, 'kpi', '', 'failing', notices, silences, (c, a, now) => {
      const d = decideOnStatus(c, a, first.status, policy, first.kpi.cooldownMinutes, now);
      streak = d.counters.failureStreak;
      return unreachable ? holdBackFailing(d) : d;
    });
    await sourceStateOfRun(tx, deps, meta, notices, silences, { unreachable, failingDue: streak >= policy.failingAfterFailures });
    for (const j of first.status === 'success' ? run : []) {
      await decideAndApply(tx, deps, meta, j, 'series', j.key, 'breach', notices, silences, (c, a, now) =>
        decideOnOutcome(c, a, j.incident, j.kpi.cooldownMinutes, now));
    }
    await kpiStateOfRun(tx, deps, meta, notices, silences);
    const done = await finishRun(tx, deps, meta, notices, silences);
    handled.opened.push(...done.opened);
    handled.resolved.push(...done.resolved);
  }
  return handled;
}

async function decideAndApply(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, j: SeriesJudgement, scope: 'series' | 'kpi', key: string, kind: AlertKind,
  notices: RunNotices, silences: () => Promise<readonly Silence[]>, decide: (c: Counters, active: Alert | null, now: Date) => Decision,
): Promise<void> {
  const now = deps.clock.now();
  const counters = await tx.alerts.lockCounters(j.kpi.id, scope, key);
  const active = await tx.alerts.lockActive(j.kpi.id, key, kind);
  const decision = decide(counters, active, now);
  await tx.alerts.saveCounters(j.kpi.id, scope, key, decision.counters);
  for (const intent of decision.intents) {
    if (intent.type === 'open') {
      // Past the cap of alerts one run may open, the series joins the run's one summary alert instead.
      if (kind === 'breach' && notices.opening.length >= capOf(deps)) notices.overflow.push(j);
      else notices.opening.push(await openAlert(tx, deps, meta, j, key, intent, decision.counters.failureStreak, now, silences));
    } else if (active !== null) {
      notices.resolving.push(await resolveAlert(tx, deps, meta, j, active, intent, now));
    }
  }
}

async function openAlert(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, j: SeriesJudgement, key: string, intent: Extract<AlertIntent, { type: 'open' }>,
  failures: number, now: Date, silences: () => Promise<readonly Silence[]>,
): Promise<Opening> {
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
  return { alert: { ...evolve(null, { type: 'AlertOpened', data }), version }, notifyNow: silence === null && intent.notifyAt === null };
}

/** Queues the opening notification; the alert counts as notified when at least one recipient was queued. */
export async function notifyOpening(tx: TxPorts, deps: AlertDeps, alert: Alert, kpi: Kpi, now: Date): Promise<Alert> {
  const contacts = await tx.contacts.getMany(kpi.contactIds);
  const queued = await queueNotifications(tx, deps, alert, kpi, contacts, 'opened');
  return notifiedAt(alert, queued, now);
}

async function resolveAlert(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, j: SeriesJudgement, active: Alert, intent: Extract<AlertIntent, { type: 'resolve' }>, now: Date,
): Promise<Resolving> {
  const alert = await appendToAlert(tx, active, decideResolve(active, 'system', intent.resolution, null, now), meta);
  const detail = intent.resolution === 'ran_again'
    ? `${j.kpi.indicator} runs again.`
    : `Back to normal: ${formatNumber(j.value)} against a baseline of ${formatNumber(j.baseline)}.`;
  return { alert, notify: intent.notify, detail };
}
