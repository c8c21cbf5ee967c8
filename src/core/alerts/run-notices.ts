import { rulesLoader, startEscalation } from '../escalation/escalate.ts';
import type { BreachReason } from '../executions/outcome.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import type { Silence } from '../silences/silence.ts';
import type { Alert } from './alert.ts';
import { appendToAlert, withTimer } from './alert-store.ts';
import { decideResolve } from './decide.ts';
import { openPlainAlert } from './open-plain.ts';
import { policyFor, type SeriesJudgement } from './judgement.ts';
import { alertsLink, queueMessage, queueNotifications, messageFor, type AlertDeps } from './notify.ts';
import { renderGroupOpening, renderGroupResolved, renderSummary, worst, type GroupEntry } from './render-group.ts';
import { breachSeverity } from './severity.ts';

export const DEFAULT_MAX_ALERTS_PER_RUN = 100;

/** The alert opened (its event appended), not yet stored: finishRun notifies and stores the run's openings together. */
export interface Opening {
  readonly alert: Alert;
  /** Notify with the run (no cooldown, no silence holds it). */
  readonly notifyNow: boolean;
}

/** A resolution (its event appended), not yet told or stored: finishRun does both for the run. */
export interface Resolving {
  readonly alert: Alert;
  readonly notify: boolean;
  readonly detail: string;
}

/** With nobody to tell, no cooldown starts either. */
export const notifiedAt = (alert: Alert, queued: number, now: Date): Alert =>
  ({ ...alert, openingNotified: queued > 0, notifyAt: null, lastNotifiedAt: queued > 0 ? now : alert.lastNotifiedAt });


/** What one execution of one KPI opened and resolved, told and stored together when the run is done. */
export interface RunNotices {
  readonly kpi: Kpi;
  readonly run: readonly SeriesJudgement[];
  readonly opening: Opening[];
  /** Series whose alert would open past the cap: they share one summary alert. */
  readonly overflow: SeriesJudgement[];
  readonly resolving: Resolving[];
}

export const newRunNotices = (run: readonly SeriesJudgement[]): RunNotices => ({ kpi: run[0]!.kpi, run, opening: [], overflow: [], resolving: [] });

export const capOf = (deps: AlertDeps): number => deps.settings.maxAlertsPerRun ?? DEFAULT_MAX_ALERTS_PER_RUN;

const directionOf = (reasons: readonly BreachReason[]): GroupEntry['direction'] => {
  const sides = new Set(reasons.map((r) => ('direction' in r ? r.direction : r.rule === 'min_threshold' ? 'drop' : 'spike')));
  return sides.size === 1 ? [...sides][0]! : null;
};
const entryOfAlert = (a: Alert): GroupEntry =>
  ({ key: a.key, value: a.value, baseline: a.baseline, deviationPercent: a.deviationPercent, severity: a.severity, direction: directionOf(a.reasons) });
const entryOfJudgement = (j: SeriesJudgement): GroupEntry => ({
  key: j.key, value: j.value, baseline: j.baseline, deviationPercent: j.deviationPercent, severity: breachSeverity(j.deviationPercent, j.kpi.priority),
  direction: directionOf(j.outcome?.kind === 'breach' ? j.outcome.reasons : []),
});

/**
 * The run's summary alert: opened (one per KPI while active) when series overflowed the cap; resolved
 * when a successful run of the KPI has no series breaching.
 */
async function summaryOf(tx: TxPorts, deps: AlertDeps, meta: EventMeta, n: RunNotices, now: Date, silences: () => Promise<readonly Silence[]>): Promise<void> {
  const first = n.run[0]!;
  const active = await tx.alerts.lockActive(n.kpi.id, '', 'summary');
  if (n.overflow.length === 0) {
    const calm = first.status === 'success' && n.run.every((j) => j.outcome?.kind !== 'breach');
    if (active !== null && calm) {
      const alert = await appendToAlert(tx, active, decideResolve(active, 'system', 'auto', null, now), meta);
      n.resolving.push({ alert, notify: active.openingNotified, detail: `No series of ${n.kpi.indicator} breaks its rule any more.` });
    }
    return;
  }
  if (active !== null) return; // one summary at a time: it already stands for the series past the cap
  const entries = n.overflow.map(entryOfJudgement);
  n.opening.push(await openPlainAlert(tx, deps, meta, n.kpi, {
    kind: 'summary', severity: worst(entries), executionId: first.executionId, error: null,
    render: (link) => renderSummary(n.kpi, entries, { cap: capOf(deps), at: first.at, link }),
  }, now, silences));
}

/**
 * Tells and stores what the run opened and resolved: one alert = its own message as ever; several = ONE
 * message per recipient listing them (recorded on the first alert, the webhook payload names them all).
 */
export async function finishRun(
  tx: TxPorts, deps: AlertDeps, meta: EventMeta, n: RunNotices, silences: () => Promise<readonly Silence[]>,
): Promise<{ opened: string[]; resolved: string[] }> {
  const now = deps.clock.now();
  await summaryOf(tx, deps, meta, n, now, silences);
  const policy = policyFor(deps.settings.policy, n.kpi);
  const tell = n.opening.filter((o) => o.notifyNow).map((o) => o.alert);
  const told = new Map<string, Alert>();
  if (tell.length > 0) {
    const contacts = await tx.contacts.getMany(n.kpi.contactIds);
    const queued = tell.length === 1
      ? await queueNotifications(tx, deps, tell[0]!, n.kpi, contacts, 'opened')
      : await queueMessage(tx, deps, tell[0]!, n.kpi, contacts, 'opened', groupOpening(deps, n, tell), { alertIds: tell.map((a) => a.id), link: alertsLink(deps.settings, n.kpi.id) });
    for (const a of tell) told.set(a.id, notifiedAt(a, queued, now));
  }
  const rules = rulesLoader(tx);
  for (const o of n.opening) {
    const alert = await startEscalation(tx, told.get(o.alert.id) ?? o.alert, n.kpi, rules, meta);
    await tx.alerts.insert(withTimer(alert, policy, n.kpi.cooldownMinutes));
  }

  const resolvedTell = n.resolving.filter((r) => r.notify);
  if (resolvedTell.length > 0) {
    const contacts = await tx.contacts.getMany(n.kpi.contactIds);
    const [one] = resolvedTell;
    if (resolvedTell.length === 1) await queueMessage(tx, deps, one!.alert, n.kpi, contacts, 'resolved', messageFor(one!.alert, 'resolved', one!.detail));
    else {
      const link = alertsLink(deps.settings, n.kpi.id);
      await queueMessage(tx, deps, one!.alert, n.kpi, contacts, 'resolved', renderGroupResolved(n.kpi, resolvedTell.map((r) => r.alert), link),
        { alertIds: resolvedTell.map((r) => r.alert.id), link });
    }
  }
  for (const r of n.resolving) await tx.alerts.update(r.alert);
  return { opened: n.opening.map((o) => o.alert.id), resolved: n.resolving.map((r) => r.alert.id) };
}

function groupOpening(deps: AlertDeps, n: RunNotices, tell: readonly Alert[]) {
  const breaches = tell.filter((a) => a.kind === 'breach');
  const entries = [...breaches.map(entryOfAlert), ...(tell.some((a) => a.kind === 'summary') ? n.overflow.map(entryOfJudgement) : [])];
  return renderGroupOpening(n.kpi, entries, {
    series: n.run.length, summarised: tell.some((a) => a.kind === 'summary') ? n.overflow.length : 0, cap: capOf(deps), at: n.run[0]!.at, link: alertsLink(deps.settings, n.kpi.id),
  });
}
