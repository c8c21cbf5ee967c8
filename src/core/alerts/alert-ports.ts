import type { LinkAction } from './action-links.ts';
import type { DeliveryResult } from './delivery.ts';
import type { Contact } from '../contacts/contact.ts';
import type { Page } from '../ports.ts';
import type { Alert, AlertKind, AlertStatus } from './alert.ts';
import type { Channel, NotificationPurpose } from './alert-events.ts';
import type { Counters } from './decide.ts';
import type { Severity } from './severity.ts';

/** Breach counters are per KPI and key ('series'); failure counters per KPI ('kpi', key ''). */
export type CounterScope = 'series' | 'kpi';

export interface AlertFilter {
  readonly status?: AlertStatus | undefined;
  readonly kpiId?: string | undefined;
  readonly severity?: Severity | undefined;
  readonly kind?: AlertKind | undefined;
  /** Only the alerts this silence holds. */
  readonly silenceId?: string | undefined;
  /** true = only silenced alerts, false = only those not silenced. */
  readonly silenced?: boolean | undefined;
  /** Opened at or after / before. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export interface AlertStatistics {
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly bySeverity: Record<string, number>;
  readonly byKpi: { kpiId: string; indicator: string; count: number }[];
  readonly byDay: { day: string; count: number }[];
  /** Means over the alerts that were acknowledged / resolved; null when there are none. */
  readonly meanSecondsToAcknowledge: number | null;
  readonly meanSecondsToResolve: number | null;
}

export interface AlertRepo {
  /**
   * The streaks, locked for this transaction (created at zero when missing). `lastNotifiedAt` is the latest
   * notification of the series' alerts of the matching kind (breach for 'series', failing for 'kpi').
   */
  lockCounters(kpiId: string, scope: CounterScope, key: string): Promise<Counters>;
  /** Stores the streaks; lastNotifiedAt follows from the alerts and is not stored here. */
  saveCounters(kpiId: string, scope: CounterScope, key: string, counters: Counters): Promise<void>;
  /**
   * The active alert of this kind and key whatever its KPI, locked; the key itself is locked for the
   * transaction first (an advisory lock), so two runs cannot both find none and open two.
   */
  lockActiveByKey(key: string, kind: AlertKind): Promise<Alert | null>;
  /** The open or acknowledged alert of this kind for the KPI and key, locked. */
  lockActive(kpiId: string, key: string, kind: AlertKind): Promise<Alert | null>;
  /** Whether the KPI has an open or acknowledged alert of one of these kinds (not locked). */
  hasActive(kpiId: string, kinds: readonly AlertKind[]): Promise<boolean>;
  get(id: string): Promise<Alert | null>;
  /** The alert, locked for this transaction: every change to an alert goes through this. */
  lock(id: string): Promise<Alert | null>;
  insert(alert: Alert): Promise<void>;
  update(alert: Alert): Promise<void>;
  list(filter: AlertFilter): Promise<Page<Alert>>;
  statistics(filter: Pick<AlertFilter, 'kpiId' | 'from' | 'to'>): Promise<AlertStatistics>;
  /** Ids of active alerts whose timer is due, locked and skipping those another node holds. */
  claimDueTimers(now: Date, limit: number): Promise<string[]>;
  /** Every open or acknowledged alert (of this kind), not locked (a silence looks for those it matches). */
  listActive(kind?: AlertKind): Promise<Alert[]>;
  /** Makes the timers of the active alerts a silence holds due at `at`, so the timer worker looks at them again. */
  wakeSilenced(silenceId: string, at: Date): Promise<void>;
  /** The contacts whose name or email is the KPI's owner: who an escalation goes to. */
  ownerContacts(owner: string): Promise<Contact[]>;
}

export type NotificationStatus = 'pending' | 'sent' | 'dead';

export interface NewNotification {
  readonly id: string;
  readonly alertId: string;
  readonly kpiId: string;
  readonly purpose: NotificationPurpose;
  readonly channel: Channel;
  readonly recipient: string;
  readonly contactId: string | null;
  readonly subject: string;
  readonly body: string;
  /** What a webhook or Slack receives as JSON; null for mail. */
  readonly payload: Record<string, unknown> | null;
  /** The action links its message offers (action-links.ts); the sender signs them, nothing secret is stored. */
  readonly actions?: readonly LinkAction[];
  readonly createdAt: Date;
}

export interface Notification extends NewNotification {
  readonly actions: readonly LinkAction[];
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly sentAt: Date | null;
}

export interface NotificationFilter {
  readonly status?: NotificationStatus | undefined;
  readonly alertId?: string | undefined;
  readonly channel?: Channel | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/** The outbox: a notification exists here before anything tries to send it. */
export interface OutboxRepo {
  enqueue(notifications: readonly NewNotification[]): Promise<void>;
  get(id: string): Promise<Notification | null>;
  lock(id: string): Promise<Notification | null>;
  list(filter: NotificationFilter): Promise<Page<Notification>>;
  forAlert(alertId: string): Promise<Notification[]>;
  markSent(ids: readonly string[], at: Date): Promise<void>;
  /** nextAttemptAt null = no attempt left: a dead letter. */
  markFailed(id: string, error: string, nextAttemptAt: Date | null): Promise<void>;
  /** A dead letter back in the queue, due at `at`, with a fresh set of attempts. */
  requeue(id: string, at: Date): Promise<void>;
}

/** Sends one notification on its channel. Failure is a value (retried by the worker), never a throw. */
export interface Notifier {
  send(n: Notification): Promise<DeliveryResult>;
}
