import { policyFor, type AlertPolicy } from '../alerts/judgement.ts';
import type { Recipient } from '../alerts/routing.ts';
import type { Kpi } from '../kpis/kpi.ts';
import type { WindowOrigin } from './backtest-source.ts';
import type { Replay, ReplayAlert } from './replay-kpi.ts';

const WEEK_MS = 7 * 86_400_000;

export interface BacktestAlertView {
  readonly id: string;
  readonly series: string | null;
  readonly openedAt: Date;
  readonly resolvedAt: Date | null;
  /** When its opening message would have gone out; null: never (the cooldown held it until it was over). */
  readonly notifiedAt: Date | null;
  readonly peakDeviationPercent: number | null;
  readonly why: string;
}

export interface RecipientCount {
  readonly contactId: string | null;
  /** An email address, an SMS gateway address, or a webhook's name. */
  readonly address: string;
  readonly channel: string;
  readonly messages: number;
  readonly messagesPerWeek: number;
}

/** What a window was, for the honest edges: where its value came from, or why it was not judged. */
export type RangeKind = WindowOrigin | 'failed' | 'insufficient_history';

export interface WindowRange {
  readonly kind: RangeKind;
  readonly from: Date;
  readonly to: Date;
  readonly windows: number;
}

export interface BacktestSummary {
  readonly alerts: BacktestAlertView[];
  readonly counts: {
    readonly alerts: number;
    readonly messages: number;
    readonly alertsPerWeek: number;
    readonly messagesPerWeek: number;
    readonly byRecipient: RecipientCount[];
  };
  /** Consecutive windows of one kind (from the history, run on the source, no data, not run …), in time order. */
  readonly ranges: WindowRange[];
}

/** When the opening message goes out: at once, or at the cooldown's end if the alert is still open then. */
function openingAt(a: ReplayAlert): Date | null {
  if (a.notifyAt === null) return null;
  return a.resolvedAt !== null && a.resolvedAt < a.notifyAt ? null : a.notifyAt;
}

/**
 * How many messages an alert sends each recipient: the opening (unless the cooldown held it past the
 * end), reminders every max(reminder, cooldown) minutes while it is open, and the resolution when the
 * opening went out. Escalations are not counted (they go to the escalation contacts, not simulated).
 */
function messagesOf(a: ReplayAlert, policy: AlertPolicy, cooldownMinutes: number, end: Date): number {
  const opening = openingAt(a);
  if (opening === null) return 0;
  let n = 1;
  const until = (a.resolvedAt ?? end).getTime();
  const every = Math.max(policy.reminderMinutes, cooldownMinutes) * 60_000;
  if (policy.reminderMinutes > 0 && every > 0) n += Math.max(0, Math.ceil((until - opening.getTime()) / every) - 1);
  if (a.resolvedAt !== null) n++;
  return n;
}

function rangesOf(replay: Replay): WindowRange[] {
  const ranges: { kind: RangeKind; from: Date; to: Date; windows: number }[] = [];
  let lastAt = -1;
  for (const p of replay.points) {
    if (p.at.getTime() === lastAt) continue; // one window, several series: the first series decides
    lastAt = p.at.getTime();
    const kind: RangeKind = p.series === null
      ? (p.origin === 'history' || p.origin === 'source' ? 'failed' : p.origin)
      : p.series.outcome.kind === 'no_judgement' && p.series.outcome.reason === 'insufficient_history' ? 'insufficient_history' : p.origin;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last.kind === kind) {
      last.to = p.at;
      last.windows++;
    } else ranges.push({ kind, from: p.at, to: p.at, windows: 1 });
  }
  return ranges;
}

/** The alerts, the messages per recipient and per week, and the window ranges of a replay over [from, to]. */
export function summarise(replay: Replay, kpi: Kpi, globalPolicy: AlertPolicy, recipients: readonly Recipient[], from: Date, to: Date): BacktestSummary {
  const policy = policyFor(globalPolicy, kpi);
  const perAlert = replay.alerts.map((a) => messagesOf(a, policy, kpi.cooldownMinutes, to));
  const each = perAlert.reduce((x, y) => x + y, 0);
  const weeks = Math.max(to.getTime() - from.getTime(), 1) / WEEK_MS;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    alerts: replay.alerts.map((a) => ({
      id: a.id, series: a.key, openedAt: a.openedAt, resolvedAt: a.resolvedAt, notifiedAt: openingAt(a), peakDeviationPercent: a.peakDeviationPercent, why: a.why,
    })),
    counts: {
      alerts: replay.alerts.length, messages: each * recipients.length,
      alertsPerWeek: round(replay.alerts.length / weeks), messagesPerWeek: round((each * recipients.length) / weeks),
      byRecipient: recipients.map((r) => ({ contactId: r.contactId, address: r.address, channel: r.channel, messages: each, messagesPerWeek: round(each / weeks) })),
    },
    ranges: rangesOf(replay),
  };
}
