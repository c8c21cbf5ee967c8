import type { AlertOpenedData } from './alert-events.ts';
import type { AlertEscalation } from '../escalation/due.ts';

/**
 * breach = a series broke its rule; failing = K failed runs in a row; summary = the series one run opened
 * past the cap of alerts per run (ALERT_MAX_PER_RUN); no_data = no rows under noDataPolicy `breach`;
 * stale = an active KPI not run for two periods; unreachable = its data source does not answer (one per owner).
 */
export type AlertKind = 'breach' | 'failing' | 'summary' | 'no_data' | 'stale' | 'unreachable';
export const ALERT_KINDS = ['breach', 'failing', 'summary', 'no_data', 'stale', 'unreachable'] as const satisfies readonly AlertKind[];
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
/** auto = M normal executions; manual = by a person; ran_again = a failing KPI ran successfully. */
export type Resolution = 'auto' | 'manual' | 'ran_again';

/** The alert log entry: the read model of one `alert-<id>` stream. What it opened with comes from AlertOpened. */
export interface Alert extends Omit<AlertOpenedData, 'openedAt' | 'notifyAt' | 'silenceId' | 'silencedUntil'> {
  readonly status: AlertStatus;
  readonly openedAt: Date;
  /** Whether the opening notification was queued for at least one recipient (decides the recovery one). */
  readonly openingNotified: boolean;
  /** Set while the opening notification waits for the cooldown to end. */
  readonly notifyAt: Date | null;
  readonly lastNotifiedAt: Date | null;
  readonly escalatedAt: Date | null;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgeNote: string | null;
  readonly resolvedAt: Date | null;
  readonly resolvedBy: string | null;
  readonly resolveNote: string | null;
  readonly resolution: Resolution | null;
  /** The next moment the timer worker has something to do for this alert; null = nothing. */
  readonly nextTimerAt: Date | null;
  /** The silence holding it (see core/silences); null = not silenced. */
  readonly silenceId: string | null;
  /** While silenced, its end; after, when the last silence let go (escalation counts from there); null = never silenced. */
  readonly silencedUntil: Date | null;
  /** The escalation chain fixed on it when it opened, and how far it got; null = none (the old single escalation applies). */
  readonly escalation: AlertEscalation | null;
  readonly version: number;
}

export const isActive = (a: Pick<Alert, 'status'>): boolean => a.status !== 'resolved';
