import { Cron } from 'croner';

/** A KPI runs every N minutes (aligned to the epoch, so slots are the same on every node) or on a cron schedule. */
export type Schedule =
  | { readonly kind: 'interval'; readonly frequencyMinutes: number }
  | { readonly kind: 'cron'; readonly cron: string; readonly timezone: string };

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Returns null when the expression is valid, else what is wrong with it. */
export function cronProblem(expr: string, timezone: string): string | null {
  try {
    const job = new Cron(expr, { timezone, paused: true });
    if (job.nextRun(new Date(0)) === null) return 'never fires';
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The first slot strictly after `after`. Interval slots are multiples of the frequency since the epoch. */
export function nextSlot(schedule: Schedule, after: Date): Date {
  if (schedule.kind === 'interval') {
    const periodMs = schedule.frequencyMinutes * 60_000;
    return new Date((Math.floor(after.getTime() / periodMs) + 1) * periodMs);
  }
  const next = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(after);
  if (next === null) throw new Error(`cron ${schedule.cron} has no next run`);
  return next;
}

/** The schedule's typical period in minutes: the frequency, or the gap between two cron slots. */
export function periodMinutes(schedule: Schedule, from: Date): number {
  if (schedule.kind === 'interval') return schedule.frequencyMinutes;
  const first = nextSlot(schedule, from);
  const second = nextSlot(schedule, first);
  return Math.max(1, Math.round((second.getTime() - first.getTime()) / 60_000));
}
