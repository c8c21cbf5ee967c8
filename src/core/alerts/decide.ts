import { conflict } from '../errors.ts';
import type { Alert, AlertKind, Resolution } from './alert.ts';
import type { AlertEvent, AlertOpenedData } from './alert-events.ts';
import type { IncidentTransition } from '../detection/incident.ts';
import type { AlertPolicy, ExecutionStatus } from './judgement.ts';
import { dueSteps, nextStepAt, unacknowledgedSince } from '../escalation/due.ts';

/**
 * The alert state machine, pure: decisions from the current state, a judgement or the time, and the
 * policy. The shell (handle-judgements.ts, alert-commands.ts) loads the state, renders messages, picks
 * recipients and stores what was decided.
 */

/**
 * Per KPI and key (breaches) or per KPI (failures): the failure streak and when its last notification
 * went out. Breaches need no streak here: the detector's incident (core/detection/incident.ts) says when
 * an alert opens and when it is over.
 */
export interface Counters {
  readonly failureStreak: number;
  readonly lastNotifiedAt: Date | null;
}

export const NO_COUNTERS: Counters = { failureStreak: 0, lastNotifiedAt: null };

export type AlertIntent =
  /** notifyAt null = notify now; a date = the cooldown holds the opening notification until then. */
  | { readonly type: 'open'; readonly kind: AlertKind; readonly notifyAt: Date | null }
  | { readonly type: 'resolve'; readonly alertId: string; readonly resolution: Resolution; readonly notify: boolean };

export interface Decision {
  readonly counters: Counters;
  readonly intents: readonly AlertIntent[];
}

const MINUTE = 60_000;
const addMinutes = (d: Date, minutes: number): Date => new Date(d.getTime() + minutes * MINUTE);

/** The end of the cooldown after the last notification, or null when it is over (or there was none). */
export function cooldownUntil(lastNotifiedAt: Date | null, cooldownMinutes: number, now: Date): Date | null {
  if (lastNotifiedAt === null || cooldownMinutes <= 0) return null;
  const end = addMinutes(lastNotifiedAt, cooldownMinutes);
  return end > now ? end : null;
}

function open(counters: Counters, kind: AlertKind, cooldownMinutes: number, now: Date): Decision {
  const notifyAt = cooldownUntil(counters.lastNotifiedAt, cooldownMinutes, now);
  return {
    counters: notifyAt === null ? { ...counters, lastNotifiedAt: now } : counters,
    intents: [{ type: 'open', kind, notifyAt }],
  };
}

/** One series judged: its incident opening opens an alert (one per incident), its end resolves it. */
export function decideOnOutcome(counters: Counters, active: Pick<Alert, 'id' | 'openingNotified'> | null, incident: IncidentTransition, cooldownMinutes: number, now: Date): Decision {
  if (incident === 'opened' && active === null) return open(counters, 'breach', cooldownMinutes, now);
  if (incident === 'ended' && active !== null) {
    return { counters, intents: [{ type: 'resolve', alertId: active.id, resolution: 'auto', notify: active.openingNotified }] };
  }
  return { counters, intents: [] };
}

/** One execution's status, per KPI: K failures in a row open "KPI failing"; any success resolves it. */
export function decideOnStatus(
  counters: Counters, failing: Alert | null, status: ExecutionStatus, policy: AlertPolicy, cooldownMinutes: number, now: Date,
): Decision {
  if (status === 'success') {
    const next = { ...counters, failureStreak: 0 };
    if (failing === null) return { counters: next, intents: [] };
    return { counters: next, intents: [{ type: 'resolve', alertId: failing.id, resolution: 'ran_again', notify: failing.openingNotified }] };
  }
  const next = { ...counters, failureStreak: counters.failureStreak + 1 };
  if (failing !== null || next.failureStreak < policy.failingAfterFailures) return { counters: next, intents: [] };
  return open(next, 'failing', cooldownMinutes, now);
}

export type TimerIntent =
  | { readonly type: 'silence_over' }
  | { readonly type: 'notify_opening' }
  | { readonly type: 'remind' }
  | { readonly type: 'escalate' }
  /** Step `step` (0-based) of the alert's escalation chain is due. */
  | { readonly type: 'escalation_step'; readonly step: number };

type Timer = { readonly type: TimerIntent['type']; readonly at: Date };

function timers(alert: Alert, policy: AlertPolicy, cooldownMinutes: number): Timer[] {
  if (alert.status === 'resolved') return [];
  // A silenced alert waits for its silence's end, and nothing else (see silencing.ts).
  if (alert.silenceId !== null) return alert.silencedUntil === null ? [] : [{ type: 'silence_over', at: alert.silencedUntil }];
  const due: Timer[] = [];
  if (!alert.openingNotified && alert.notifyAt !== null) due.push({ type: 'notify_opening', at: alert.notifyAt });
  if (alert.status !== 'open') return due;
  if (policy.reminderMinutes > 0 && alert.openingNotified && alert.lastNotifiedAt !== null) {
    // A reminder is a new notification too: never inside the cooldown.
    due.push({ type: 'remind', at: addMinutes(alert.lastNotifiedAt, Math.max(policy.reminderMinutes, cooldownMinutes)) });
  }
  // A chain replaces the single escalation to the owner.
  if (alert.escalation !== null) {
    const at = nextStepAt(alert);
    if (at !== null) due.push({ type: 'escalation_step', at });
  } else if (policy.escalateAfterMinutes > 0 && alert.escalatedAt === null) {
    due.push({ type: 'escalate', at: addMinutes(unacknowledgedSince(alert), policy.escalateAfterMinutes) });
  }
  return due;
}

/** What the time asks of an alert now: the opening notification after a cooldown, a reminder, an escalation, the due steps of its chain. */
export function decideOnTime(alert: Alert, policy: AlertPolicy, cooldownMinutes: number, now: Date): TimerIntent[] {
  return timers(alert, policy, cooldownMinutes).filter((t) => t.at <= now).flatMap((t): TimerIntent[] =>
    t.type === 'escalation_step' ? dueSteps(alert, now).map((step) => ({ type: 'escalation_step', step })) : [{ type: t.type } as TimerIntent]);
}

/** When the timer worker should look at the alert next; null = never (resolved, or nothing scheduled). */
export function nextTimerAt(alert: Alert, policy: AlertPolicy, cooldownMinutes: number): Date | null {
  const ats = timers(alert, policy, cooldownMinutes).map((t) => t.at.getTime());
  return ats.length === 0 ? null : new Date(Math.min(...ats));
}

/** Acknowledging stops reminders and escalation. Acknowledging twice changes nothing. */
export function decideAcknowledge(alert: Alert, by: string, note: string | null, now: Date): AlertEvent[] {
  if (alert.status === 'resolved') throw conflict(`alert ${alert.id} is resolved already`, { status: alert.status });
  if (alert.status === 'acknowledged') return [];
  return [{ type: 'AlertAcknowledged', data: { id: alert.id, by, note, at: now.toISOString() } }];
}

export function decideResolve(alert: Alert, by: string, resolution: Resolution, note: string | null, now: Date): AlertEvent[] {
  if (alert.status === 'resolved') throw conflict(`alert ${alert.id} is resolved already`, { status: alert.status });
  return [{ type: 'AlertResolved', data: { id: alert.id, by, resolution, note, at: now.toISOString() } }];
}

/** Applies an event to the alert log entry. AlertOpened creates it; delivery events leave it as it is. */
export function evolve(alert: Alert | null, event: AlertEvent): Alert {
  if (event.type === 'AlertOpened') return opened(event.data);
  if (alert === null) throw new Error(`${event.type} before AlertOpened`);
  switch (event.type) {
    case 'AlertAcknowledged':
      return { ...alert, status: 'acknowledged', acknowledgedAt: new Date(event.data.at), acknowledgedBy: event.data.by, acknowledgeNote: event.data.note };
    case 'AlertSilenced':
      return { ...alert, silenceId: event.data.silenceId, silencedUntil: new Date(event.data.until) };
    case 'AlertUnsilenced':
      // silencedUntil keeps when the last silence let go: escalation counts from there.
      return { ...alert, silenceId: null, silencedUntil: new Date(event.data.at) };
    case 'AlertEscalated':
      return { ...alert, escalatedAt: new Date(event.data.at) };
    case 'AlertEscalationStarted':
      return { ...alert, escalation: { chainId: event.data.chainId, name: event.data.name, steps: event.data.steps, notified: 0 } };
    case 'AlertEscalationStepNotified':
      return alert.escalation === null ? alert : { ...alert, escalation: { ...alert.escalation, notified: Math.max(alert.escalation.notified, event.data.step) } };
    case 'AlertResolved':
      return {
        ...alert, status: 'resolved', resolvedAt: new Date(event.data.at), resolvedBy: event.data.by,
        resolution: event.data.resolution, resolveNote: event.data.note, notifyAt: null, nextTimerAt: null,
      };
    default:
      return alert;
  }
}

function opened(d: AlertOpenedData): Alert {
  return {
    id: d.id, kind: d.kind, kpiId: d.kpiId, indicator: d.indicator, key: d.key, status: 'open', severity: d.severity,
    priority: d.priority, executionId: d.executionId, openedAt: new Date(d.openedAt), value: d.value, baseline: d.baseline,
    deviationPercent: d.deviationPercent, thresholds: d.thresholds, band: d.band ?? null, reasons: d.reasons, error: d.error, subject: d.subject,
    body: d.body, openingNotified: false, notifyAt: d.notifyAt === null ? null : new Date(d.notifyAt), lastNotifiedAt: null,
    escalatedAt: null, acknowledgedAt: null, acknowledgedBy: null, acknowledgeNote: null, resolvedAt: null, resolvedBy: null,
    resolveNote: null, resolution: null, nextTimerAt: null, silenceId: d.silenceId ?? null,
    silencedUntil: d.silencedUntil == null ? null : new Date(d.silencedUntil), escalation: null, version: 0,
  };
}
