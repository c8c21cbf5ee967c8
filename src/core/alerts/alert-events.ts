import type { ChannelKind } from '../channels/channel.ts';
import type { AlertKind, Resolution } from './alert.ts';
import type { BreachReason } from '../executions/outcome.ts';
import type { Sensitivity } from '../detection/sensitivity.ts';
import type { Range } from '../detection/rule.ts';
import type { Severity } from './severity.ts';
import type { EscalationStep } from '../escalation/chain.ts';

/** What an alert looked like when it opened; the AlertOpened event carries all of it. Times are ISO strings. */
export interface AlertOpenedData {
  readonly id: string;
  readonly kind: AlertKind;
  readonly kpiId: string;
  readonly indicator: string;
  readonly key: string;
  readonly severity: Severity;
  readonly priority: 1 | 2;
  readonly executionId: string;
  readonly openedAt: string;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  /** The rules in force when it opened (sensitivity and deviationPercent null = rule off). */
  readonly thresholds: { readonly sensitivity: Sensitivity | null; readonly deviationPercent: number | null; readonly min: number | null; readonly max: number | null };
  /** What the rules accepted for the opening value; null for a "KPI failing" alert. */
  readonly band: Range | null;
  readonly reasons: BreachReason[];
  readonly error: string | null;
  readonly subject: string;
  readonly body: string;
  /** When the opening notification goes out: null = at once, else when the cooldown ends. */
  readonly notifyAt: string | null;
  /** The silence it opened under (nobody notified until it ends); absent in events before silences. */
  readonly silenceId?: string | null;
  readonly silencedUntil?: string | null;
}

/** `acknowledged` goes to incident tools only (PagerDuty, Opsgenie), which track the acknowledgement too. */
export type NotificationPurpose = 'opened' | 'reminder' | 'escalation' | 'acknowledged' | 'resolved';
/** How a notification travels: a channel kind, or `log` for mail when SMTP is not configured. */
export type Channel = ChannelKind | 'log';

interface DeliveryData {
  readonly id: string;
  readonly notificationId: string;
  readonly purpose: NotificationPurpose;
  readonly channel: Channel;
  readonly recipient: string;
  readonly attempt: number;
}

/** One recipient of an escalation step, and the target it came from (`team:<id>`, `contact:<id>`, `channel:<id>`). */
export interface StepRecipient {
  readonly kind: ChannelKind;
  readonly channel: Channel;
  readonly address: string;
  readonly contactId: string | null;
  readonly via: string;
}

export interface EscalationStepNotifiedData {
  readonly id: string;
  readonly alertId: string;
  readonly chainId: string;
  readonly step: number;
  readonly afterMinutes: number;
  readonly recipients: readonly StepRecipient[];
  readonly at: string;
}

/** The events of an `alert-<id>` stream. */
export type AlertEvent =
  | { readonly type: 'AlertOpened'; readonly data: AlertOpenedData }
  | { readonly type: 'AlertAcknowledged'; readonly data: { readonly id: string; readonly by: string; readonly note: string | null; readonly at: string } }
  | { readonly type: 'AlertEscalated'; readonly data: { readonly id: string; readonly contactIds: readonly string[]; readonly afterMinutes: number; readonly at: string } }
  | {
      readonly type: 'AlertResolved';
      readonly data: { readonly id: string; readonly by: string; readonly resolution: Resolution; readonly note: string | null; readonly at: string };
    }
  /** A silence holds the alert (again, or until a later end): no notification, reminder or escalation until `until`. */
  | { readonly type: 'AlertSilenced'; readonly data: { readonly id: string; readonly silenceId: string; readonly until: string; readonly at: string } }
  /** The silence is over (ended, expired, or no longer matching); notifications held back go out now. */
  | { readonly type: 'AlertUnsilenced'; readonly data: { readonly id: string; readonly silenceId: string; readonly at: string } }
  /** The route decision's escalation chain, copied onto the alert when it opened: later edits of routes or chain change nothing for it. */
  | {
      readonly type: 'AlertEscalationStarted';
      readonly data: { readonly id: string; readonly chainId: string; readonly name: string; readonly steps: readonly EscalationStep[]; readonly at: string };
    }
  /** Step `step` (1-based) of the alert's chain was queued for its recipients; each step once. */
  | { readonly type: 'AlertEscalationStepNotified'; readonly data: EscalationStepNotifiedData }
  | { readonly type: 'NotificationSent'; readonly data: DeliveryData }
  | {
      readonly type: 'NotificationFailed';
      /** dead = no attempt left: the notification is parked as a dead letter (retryable through the API). */
      readonly data: DeliveryData & { readonly error: string; readonly dead: boolean; readonly nextAttemptAt: string | null };
    };
