import type { EventMeta, TxPorts } from '../ports.ts';
import type { Silence } from '../silences/silence.ts';
import type { AlertKind } from './alert.ts';
import { appendToAlert } from './alert-store.ts';
import { decideResolve } from './decide.ts';
import type { AlertDeps } from './notify.ts';
import { openPlainAlert } from './open-plain.ts';
import { renderNoData } from './render-kpi-state.ts';
import type { RunNotices } from './run-notices.ts';
import { breachSeverity } from './severity.ts';

/** Resolves the KPI's active alert of this kind into the run's notices (told with them). */
export async function resolveKind(tx: TxPorts, n: RunNotices, kind: AlertKind, detail: string, now: Date, meta: EventMeta): Promise<void> {
  const active = await tx.alerts.lockActive(n.kpi.id, '', kind);
  if (active === null) return;
  const alert = await appendToAlert(tx, active, decideResolve(active, 'system', kind === 'no_data' ? 'auto' : 'ran_again', null, now), meta);
  n.resolving.push({ alert, notify: active.openingNotified, detail });
}

/**
 * What a run says about the KPI as a whole: it ran (a "stale" alert is over), and, under noDataPolicy
 * `breach`, whether it returned rows (a "no data" alert opens at the first run without, and resolves at
 * the first with rows, or when the policy no longer calls it a breach).
 */
export async function kpiStateOfRun(tx: TxPorts, deps: AlertDeps, meta: EventMeta, n: RunNotices, silences: () => Promise<readonly Silence[]>): Promise<void> {
  const now = deps.clock.now();
  const first = n.run[0]!;
  await resolveKind(tx, n, 'stale', `${n.kpi.indicator} runs again.`, now, meta);
  if (first.status !== 'success') return;
  const noData = n.run.length === 1 && first.value === null && first.outcome?.kind === 'breach';
  if (!noData) {
    await resolveKind(tx, n, 'no_data', `${n.kpi.indicator} returns rows again.`, now, meta);
    return;
  }
  if (await tx.alerts.lockActive(n.kpi.id, '', 'no_data') !== null) return;
  const severity = breachSeverity(null, n.kpi.priority);
  n.opening.push(await openPlainAlert(tx, deps, meta, n.kpi, {
    kind: 'no_data', severity, executionId: first.executionId, error: null, reasons: first.outcome?.kind === 'breach' ? first.outcome.reasons : [],
    render: (link) => renderNoData(n.kpi, severity, first.at, link),
  }, now, silences));
}
