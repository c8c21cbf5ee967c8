/**
 * One alert per incident: when a series' run of judgements amounts to an incident, and when it is
 * over. Pure; the state is part of the series model.
 *
 * Automatic rules (a KPI's pendingExecutions / resolveAfterExecutions null):
 * - an incident opens on a value far outside the band (three band widths) at once, on two breaching
 *   observations in a row, or on a smaller deviation that persists (a one-sided CUSUM of the deviation
 *   in band units, each observation adding what it lies beyond 0.4 of the band, reaching 3). A run
 *   whose window is longer than its period is period/window of an observation (windowMinutes);
 * - it ends after sustained normality — runs inside the band, with the evidence of a persisting
 *   deviation gone (the CUSUM under 0.5, capped inside an incident at twice what opens one) — that
 *   lasted as long as the incident did, at least three runs and at most three hours: a blip resolves
 *   soon, a long outage waits;
 * - inside an incident a series that flaps opens nothing new, and after a day a lasting change is the
 *   new normal: its runs teach the baseline again, so the band follows and the incident can end.
 * With pendingExecutions = N, exactly N breaching runs in a row open it; with resolveAfterExecutions
 * = M, M normal runs in a row end it.
 */

export interface IncidentState {
  readonly open: boolean;
  /** ms since the epoch. */
  readonly openedAt: number | null;
  /** Start of the current stretch of normal runs inside an open incident, ms. */
  readonly normalSince: number | null;
  /** Breaching runs in a row (before opening); normal runs in a row (while open). */
  readonly streak: number;
  /** CUSUM of the deviation above and below the baseline, in band widths. */
  readonly rise: number;
  readonly fall: number;
}

export const NO_INCIDENT: IncidentState = { open: false, openedAt: null, normalSince: null, streak: 0, rise: 0, fall: 0 };

export interface IncidentPolicy {
  /** N breaching runs in a row open an incident; null = the automatic rule. */
  readonly pendingExecutions: number | null;
  /** M normal runs in a row end it; null = the automatic rule. */
  readonly resolveAfterExecutions: number | null;
}

export interface IncidentInput {
  readonly at: number;
  readonly breach: boolean;
  /** Signed distance from the baseline in band widths (1 = on the band's edge); null without a band. */
  readonly bandUnits: number | null;
  readonly periodMinutes: number;
  /**
   * The span each run's value covers (a KPI's lastMinutes); default: the period. Runs closer together
   * than that share most of their data, so each counts only for period/window of an observation.
   */
  readonly windowMinutes?: number;
}

export type IncidentTransition = 'opened' | 'ended' | null;

export interface IncidentStep {
  readonly state: IncidentState;
  readonly transition: IncidentTransition;
  /**
   * Whether this run is out of the ordinary, so that it is kept out of future baselines: a breach, or
   * any run inside an incident — until the incident has lasted a day, after which it is the new normal.
   */
  readonly anomalous: boolean;
}

const AT_ONCE = 3;
const DRIFT = 0.4;
const PERSISTS = 3;
/**
 * Evidence under which it counts as gone: an incident ends only below it, and a run at or above it is
 * suspect (judge-point keeps it out of the error scales).
 */
export const SUSPECT = PERSISTS / 6;
const AUTO_PENDING = 2;
const MIN_RESOLVE_RUNS = 3;
const MAX_RESOLVE_MS = 3 * 3_600_000;
const NEW_NORMAL_MS = 24 * 3_600_000;

/**
 * One step of the two one-sided CUSUMs. `cap` bounds the evidence: inside an incident it is capped at
 * what opens one, so that a long incident does not pile up evidence that then takes as long to fade.
 */
function cusum(state: IncidentState, u: number | null, weight: number, cap = Infinity): { rise: number; fall: number } {
  if (u === null) return { rise: 0, fall: 0 };
  const c = Math.max(-AT_ONCE, Math.min(AT_ONCE, u));
  return { rise: Math.min(cap, Math.max(0, state.rise + weight * (c - DRIFT))), fall: Math.min(cap, Math.max(0, state.fall + weight * (-c - DRIFT))) };
}

/** How much of an independent observation one run is: period / window, at most 1. */
export const observationWeight = (periodMinutes: number, windowMinutes = periodMinutes): number => Math.min(1, periodMinutes / Math.max(periodMinutes, windowMinutes));
const weightOf = (input: IncidentInput): number => observationWeight(input.periodMinutes, input.windowMinutes);

function whileClosed(state: IncidentState, input: IncidentInput, policy: IncidentPolicy): IncidentStep {
  const weight = weightOf(input);
  const { rise, fall } = cusum(state, input.bandUnits, weight);
  const streak = input.breach ? state.streak + 1 : 0;
  // Two breaching observations that share no data: with overlapping windows, runs a window apart.
  const pending = 1 + Math.ceil((AUTO_PENDING - 1) / weight - 1e-9);
  const opens = policy.pendingExecutions !== null
    ? streak >= policy.pendingExecutions
    : (input.breach && Math.abs(input.bandUnits ?? 0) >= AT_ONCE) || streak >= pending || Math.max(rise, fall) >= PERSISTS;
  if (!opens) return { state: { open: false, openedAt: null, normalSince: null, streak, rise, fall }, transition: null, anomalous: input.breach };
  return { state: { open: true, openedAt: input.at, normalSince: null, streak: 0, rise: 0, fall: 0 }, transition: 'opened', anomalous: true };
}

function whileOpen(state: IncidentState, input: IncidentInput, policy: IncidentPolicy): IncidentStep {
  const openedAt = state.openedAt ?? input.at;
  const { rise, fall } = cusum(state, input.bandUnits, weightOf(input), 2 * PERSISTS);
  const anomalous = input.at - openedAt < NEW_NORMAL_MS;
  if (input.breach) return { state: { open: true, openedAt, normalSince: null, streak: 0, rise, fall }, transition: null, anomalous };
  const normalSince = state.normalSince ?? input.at;
  const streak = state.streak + 1;
  const periodMs = input.periodMinutes * 60_000;
  // Normal = inside the band, and the evidence of a persisting deviation gone again (the CUSUM keeps
  // running inside an incident, so a series that stays just inside the band does not end it).
  const ends = policy.resolveAfterExecutions !== null
    ? streak >= policy.resolveAfterExecutions
    : streak >= MIN_RESOLVE_RUNS && Math.max(rise, fall) < SUSPECT && input.at - normalSince + periodMs >= Math.min(MAX_RESOLVE_MS, normalSince - openedAt);
  if (ends) return { state: NO_INCIDENT, transition: 'ended', anomalous: false };
  return { state: { open: true, openedAt, normalSince, streak, rise, fall }, transition: null, anomalous };
}

export function incidentStep(state: IncidentState, input: IncidentInput, policy: IncidentPolicy): IncidentStep {
  return state.open ? whileOpen(state, input, policy) : whileClosed(state, input, policy);
}
