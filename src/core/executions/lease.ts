import { kpiSchedule, type Kpi } from '../kpis/kpi.ts';
import { plannedStart, slotAt, type Spread } from '../kpis/spread.ts';

/**
 * The pure rules of a scheduled run's lease and slot. The store's claim and the scheduler's loop both
 * come here, so that the lease the store grants and the one the node keeps to are the same.
 */

/** A KPI slot a node holds the lease of. */
export interface Claim {
  readonly kpi: Kpi;
  readonly slot: Date;
  /** When the slot's run was planned to start (the slot plus the KPI's spread offset): lag counts from here. */
  readonly plannedAt: Date;
  readonly leaseToken: string;
  readonly leaseUntil: Date;
  /** The node whose lease expired, when this claim takes a dead node's run over. */
  readonly tookOverFrom: string | null;
  /** 1 for a slot's first run; each takeover of its expired lease counts one more. */
  readonly attempt: number;
}

/** A slot whose lease expired this many times without a record (its node died running it) is given up. */
export const MAX_SLOT_ATTEMPTS = 3;

/** How long a run may hold its slot: its timeout plus the grace (SCHEDULER_LEASE_GRACE_SECONDS). */
export const leaseMs = (kpi: Pick<Kpi, 'timeoutSeconds'>, leaseGraceMs: number): number => kpi.timeoutSeconds * 1000 + leaseGraceMs;

/** The lease granted at `now`. */
export const leaseEnd = (kpi: Pick<Kpi, 'timeoutSeconds'>, now: Date, leaseGraceMs: number): Date => new Date(now.getTime() + leaseMs(kpi, leaseGraceMs));

/** A run still going after its lease's length is stuck: the scheduler cancels it and records `stuck`. */
export const isStuck = (kpi: Pick<Kpi, 'timeoutSeconds'>, startedAt: Date, now: Date, leaseGraceMs: number): boolean =>
  now.getTime() - startedAt.getTime() > leaseMs(kpi, leaseGraceMs);

/**
 * How long the run may go on from its launch: until `stopBeforeEndMs` before its lease ends (the kill
 * grace, the kill and a margin), so that it is over before another node may take the slot over.
 */
export const runBudgetMs = (claim: Pick<Claim, 'leaseUntil'>, startedAt: Date, stopBeforeEndMs: number): number =>
  Math.max(0, claim.leaseUntil.getTime() - startedAt.getTime() - stopBeforeEndMs);

/**
 * The slot a claim at `now` runs, when it was planned to start, and the planned start of the KPI's next run
 * (spread.ts): a missed KPI runs once, for its latest started slot; a takeover runs the slot it took over.
 * `due` is the stored next start the claim found.
 */
export function claimedSlot(kpi: Pick<Kpi, 'id' | 'frequencyMinutes' | 'cron' | 'timezone'>, now: Date, takenOver: Date | null, due: Date | null, spread: Spread): { slot: Date; plannedAt: Date; next: Date } {
  const schedule = kpiSchedule(kpi);
  const at = slotAt(schedule, kpi.id, now, due, spread);
  const slot = takenOver ?? at.slot;
  const start = plannedStart(schedule, kpi.id, slot, spread);
  // A stored start between the slot and its spread start (written without spreading) is what was planned.
  const plannedAt = takenOver === null && due !== null && due >= slot && due < start ? due : start;
  return { slot, plannedAt, next: at.next };
}

/** The attempt a claim is: a takeover counts one more than the lease it took over. */
export const attemptOf = (takenOverAttempt: number | null): number => (takenOverAttempt === null ? 1 : takenOverAttempt + 1);

/** Why a claim is recorded as failed without running, or null when it may run. */
export function givenUp(claim: Pick<Claim, 'attempt'>): string | null {
  if (claim.attempt <= MAX_SLOT_ATTEMPTS) return null;
  return `given up: the slot was started ${claim.attempt - 1} times and never recorded (its node stopped while running it)`;
}
