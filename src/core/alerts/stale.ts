import { rulesLoader, startEscalation } from '../escalation/escalate.ts';
import type { EventMeta } from '../ports.ts';
import type { AlertCommandDeps } from './alert-commands.ts';
import { appendToAlert, withTimer } from './alert-store.ts';
import { decideResolve } from './decide.ts';
import { notifyOpening } from './handle-judgements.ts';
import { policyFor } from './judgement.ts';
import { queueNotifications } from './notify.ts';
import { openPlainAlert } from './open-plain.ts';
import { renderStale } from './render-kpi-state.ts';
import { failingSeverity } from './severity.ts';
import { silenceLoader } from './silencing.ts';

/** An active KPI that has not run for two of its periods, and since when (its last run or change). */
export interface StaleKpiRef {
  readonly id: string;
  readonly since: Date;
}

/**
 * For the timer worker, given the KPIs stale now: opens one "stale" alert per stale KPI that has none
 * (told to its contacts), and resolves the stale alerts of KPIs no longer stale (ran again, deactivated,
 * deleted). A run resolves its KPI's stale alert at once as well (kpi-state-alerts.ts). One transaction
 * per KPI. Returns how many alerts it opened and resolved.
 */
export async function alertOnStale(deps: AlertCommandDeps, stale: readonly StaleKpiRef[], meta: EventMeta): Promise<{ opened: number; resolved: number }> {
  const now = deps.clock.now();
  const staleIds = new Set(stale.map((s) => s.id));
  let opened = 0;
  let resolved = 0;
  for (const s of stale) {
    opened += await deps.uow.run(async (tx) => {
      const kpi = await tx.kpis.get(s.id);
      if (kpi === null || !kpi.active || (await tx.alerts.lockActive(kpi.id, '', 'stale')) !== null) return 0;
      const severity = failingSeverity(kpi.priority);
      const { alert, notifyNow } = await openPlainAlert(tx, deps, meta, kpi, {
        kind: 'stale', severity, executionId: '', error: null, render: (link) => renderStale(kpi, severity, s.since, link),
      }, now, silenceLoader(tx, now));
      const told = notifyNow ? await notifyOpening(tx, deps, alert, kpi, now) : alert;
      const escalating = await startEscalation(tx, told, kpi, rulesLoader(tx), meta);
      await tx.alerts.insert(withTimer(escalating, policyFor(deps.settings.policy, kpi), kpi.cooldownMinutes));
      return 1;
    });
  }
  for (const active of await deps.uow.read.alerts.listActive('stale')) {
    if (staleIds.has(active.kpiId)) continue;
    resolved += await deps.uow.run(async (tx) => {
      const current = await tx.alerts.lock(active.id);
      if (current === null || current.status === 'resolved') return 0;
      const alert = await appendToAlert(tx, current, decideResolve(current, 'system', 'ran_again', null, now), meta);
      const kpi = await tx.kpis.get(alert.kpiId);
      if (alert.openingNotified && kpi !== null) {
        await queueNotifications(tx, deps, alert, kpi, await tx.contacts.getMany(kpi.contactIds), 'resolved', kpi.active ? `${kpi.indicator} runs again.` : `${kpi.indicator} was deactivated.`);
      }
      await tx.alerts.update(alert);
      return 1;
    });
  }
  return { opened, resolved };
}
