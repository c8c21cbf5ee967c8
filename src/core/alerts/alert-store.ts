import { streamIds } from '../events.ts';
import type { EventMeta, TxPorts } from '../ports.ts';
import type { Alert } from './alert.ts';
import type { AlertEvent } from './alert-events.ts';
import { evolve, nextTimerAt } from './decide.ts';
import type { AlertPolicy } from './judgement.ts';

/**
 * Appends events to a locked alert's stream (at its version: the row lock makes that safe) and returns
 * the alert with them applied and its new version. The caller stores the row.
 */
export async function appendToAlert(tx: TxPorts, alert: Alert, events: readonly AlertEvent[], meta: EventMeta): Promise<Alert> {
  if (events.length === 0) return alert;
  const version = await tx.events.append(streamIds.alert(alert.id), alert.version, events, meta);
  return { ...events.reduce<Alert>((a, e) => evolve(a, e), alert), version };
}

/** The row as it must be stored: with the timer worker's next appointment recomputed. */
export const withTimer = (alert: Alert, policy: AlertPolicy, cooldownMinutes: number): Alert => ({
  ...alert,
  nextTimerAt: nextTimerAt(alert, policy, cooldownMinutes),
});
