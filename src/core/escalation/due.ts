import type { EscalationStep } from './chain.ts';

/**
 * Which step of an alert's escalation chain is due, pure. The timer worker asks when the alert needs
 * it next (`nextStepAt`) and, then, which steps to notify (`dueSteps`).
 */

/** The chain fixed on an alert when it opened (a copy: editing the chain or the routes later changes nothing), and how far it got. */
export interface AlertEscalation {
  readonly chainId: string;
  readonly name: string;
  readonly steps: readonly EscalationStep[];
  /** How many steps were notified: always the first ones, in order. */
  readonly notified: number;
}

export interface EscalatingAlert {
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly openedAt: Date;
  readonly silenceId: string | null;
  /** While silenced, its end; after, when the last silence let go; null = never silenced. */
  readonly silencedUntil: Date | null;
  readonly escalation: AlertEscalation | null;
}

const MINUTE = 60_000;

/**
 * Since when nobody acknowledged what they could know: the opening, or the end of the silence that held
 * it (a silence holds back escalation like any notification; the clock starts when it lets go).
 */
export const unacknowledgedSince = (a: Pick<EscalatingAlert, 'openedAt' | 'silencedUntil'>): Date =>
  a.silencedUntil !== null && a.silencedUntil > a.openedAt ? a.silencedUntil : a.openedAt;

/** When step `index` (0-based) is due: `afterMinutes` after `unacknowledgedSince`. */
export const stepDueAt = (a: EscalatingAlert, step: EscalationStep): Date => new Date(unacknowledgedSince(a).getTime() + step.afterMinutes * MINUTE);

/** Whether the chain may still run: open (not acknowledged, not resolved), not silenced, steps left. */
const running = (a: EscalatingAlert): a is EscalatingAlert & { escalation: AlertEscalation } =>
  a.escalation !== null && a.status === 'open' && a.silenceId === null && a.escalation.notified < a.escalation.steps.length;

/**
 * The steps to notify at `now` (0-based, in order): every step not yet notified whose time has come.
 * Several when the worker was away longer than the gap between them: each still goes out, once.
 */
export function dueSteps(a: EscalatingAlert, now: Date): number[] {
  if (!running(a)) return [];
  const due: number[] = [];
  for (let i = a.escalation.notified; i < a.escalation.steps.length; i++) {
    if (stepDueAt(a, a.escalation.steps[i]!) > now) break; // steps are in ascending afterMinutes
    due.push(i);
  }
  return due;
}

/** When the next step is due; null = never (no chain, acknowledged, resolved, silenced or all notified). */
export function nextStepAt(a: EscalatingAlert): Date | null {
  return running(a) ? stepDueAt(a, a.escalation.steps[a.escalation.notified]!) : null;
}
