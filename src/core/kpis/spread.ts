import { latestSlot, nextSlot, type Schedule } from './schedule.ts';

/**
 * Runs are spread inside their period (issue 15): a KPI's run of a slot starts at `slot + offset`, the
 * offset fixed per KPI (a hash of its id) and per period, so ten thousand KPIs on whole minutes do not all
 * hit the scheduler and their sources in the same second. The run's window still ends at its slot: only
 * when the query runs moves, never what it measures. Scheduling lag is measured from the planned start.
 * Like Prometheus' scrape offsets: deterministic, so every node plans the same start for the same slot.
 */
export interface Spread {
  /** The offset is below this fraction of the slot's period (0 = no spread). */
  readonly fraction: number;
  /** ...and below this many milliseconds, whatever the period. */
  readonly maxMs: number;
}

/** The default: up to half the period, at most a minute (a 1-minute KPI within 30 s, a 5-minute one or longer within 60 s). */
export const DEFAULT_SPREAD: Spread = { fraction: 0.5, maxMs: 60_000 };
/** Every run at its slot (tests that step a clock to whole minutes). */
export const NO_SPREAD: Spread = { fraction: 0, maxMs: 0 };

/**
 * A stable number in [0, 1) from a KPI id: FNV-1a (32 bits) then MurmurHash3's finaliser, because ids
 * that differ in their last characters (sequential ones) leave FNV's high bits bunched together.
 */
export function idFraction(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 0x1_0000_0000;
}

/** The offset of a KPI's run after a slot whose period is `periodMs`: below min(fraction × period, maxMs), whole milliseconds. */
export function spreadOffsetMs(kpiId: string, periodMs: number, spread: Spread): number {
  // Below the period whatever the option says, so a slot's run is planned before the next slot.
  const bound = Math.max(0, Math.min(periodMs * Math.min(spread.fraction, 1), spread.maxMs));
  return Math.floor(idFraction(kpiId) * bound);
}

/** The gap from a slot to the next one; null when a cron never fires again (its last slot is not spread). */
function gapAfter(schedule: Schedule, slot: Date): number | null {
  if (schedule.kind === 'interval') return schedule.frequencyMinutes * 60_000;
  try {
    return nextSlot(schedule, slot).getTime() - slot.getTime();
  } catch {
    return null;
  }
}

/** When the run of `slot` is planned to start: the slot plus the KPI's offset for that slot's period. */
export function plannedStart(schedule: Schedule, kpiId: string, slot: Date, spread: Spread): Date {
  const gap = gapAfter(schedule, slot);
  return gap === null ? slot : new Date(slot.getTime() + spreadOffsetMs(kpiId, gap, spread));
}

/**
 * The slot a claim at `now` runs and the planned start of the KPI's next run (after now). The slot is the
 * latest one whose planned start has come (a missed KPI runs once, for that one), or the latest one when
 * `due` (the stored next start) already belongs to it: a row written before spreading holds a bare slot.
 * An offset is below the period, so the slot before the latest one has always started.
 */
export function slotAt(schedule: Schedule, kpiId: string, now: Date, due: Date | null, spread: Spread): { slot: Date; next: Date } {
  const latest = latestSlot(schedule, now);
  const dueSlot = due === null ? null : latestSlot(schedule, due);
  if (plannedStart(schedule, kpiId, latest, spread) <= now || (dueSlot !== null && dueSlot >= latest)) {
    return { slot: latest, next: plannedStart(schedule, kpiId, nextSlot(schedule, now), spread) };
  }
  return { slot: latestSlot(schedule, new Date(latest.getTime() - 1)), next: plannedStart(schedule, kpiId, latest, spread) };
}

/** The planned start of a new or rescheduled KPI's first run: that of the first slot after `now`, as before spreading. */
export function firstStart(schedule: Schedule, kpiId: string, now: Date, spread: Spread): Date {
  return plannedStart(schedule, kpiId, nextSlot(schedule, now), spread);
}
