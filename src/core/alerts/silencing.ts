import type { Kpi } from '../kpis/kpi.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import { silenceFor, type Silence, type SilenceTarget } from '../silences/silence.ts';
import { windowsAsSilences } from '../maintenance/window.ts';
import type { Alert } from './alert.ts';
import { appendToAlert } from './alert-store.ts';

/**
 * Alerts under silences. A silenced alert is recorded like any other, with the silence's id, and its
 * only timer is the silence's end: then it is looked at again (another silence may hold it, or the one
 * it had was extended), and when nothing holds it any more the notifications held back go out.
 */

export const silenceTarget = (a: Pick<Alert, 'kpiId' | 'key' | 'priority' | 'severity'>, kpi: Pick<Kpi, 'owner'>): SilenceTarget =>
  ({ kpiId: a.kpiId, owner: kpi.owner, key: a.key, priority: a.priority, severity: a.severity });

/** What may hold an alert at `now`: the silences, and the maintenance windows in force (as silences until their occurrence ends). */
export async function holdersAt(tx: TxPorts, now: Date): Promise<Silence[]> {
  return [...await tx.silences.listActive(now), ...windowsAsSilences(await tx.maintenanceWindows.listActive(), now)];
}

/** Loads what may hold an alert (once per use: a run of 2,700 series asks once). */
export function silenceLoader(tx: TxPorts, now: Date): () => Promise<readonly Silence[]> {
  let loaded: Promise<Silence[]> | null = null;
  return () => (loaded ??= holdersAt(tx, now));
}

/**
 * Brings a locked alert's silencing up to date at `now`: AlertSilenced when a silence holds it (or now
 * holds it until a later end), AlertUnsilenced when none does any more. The caller stores the row.
 */
export async function reconsiderSilence(
  tx: TxPorts, alert: Alert, kpi: Pick<Kpi, 'owner'>, silences: readonly Silence[], now: Date, meta: EventMeta,
): Promise<Alert> {
  const holder = silenceFor(silences, silenceTarget(alert, kpi), now);
  const at = now.toISOString();
  if (holder !== null) {
    if (holder.id === alert.silenceId && alert.silencedUntil?.toISOString() === holder.endsAt) return alert;
    return appendToAlert(tx, alert, [{ type: 'AlertSilenced', data: { id: alert.id, silenceId: holder.id, until: holder.endsAt, at } }], meta);
  }
  if (alert.silenceId === null) return alert;
  return appendToAlert(tx, alert, [{ type: 'AlertUnsilenced', data: { id: alert.id, silenceId: alert.silenceId, at } }], meta);
}
