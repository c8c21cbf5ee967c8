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

/**
 * Returns null when the expression is valid, else what is wrong with it. Five fields or a nickname
 * (@hourly): a KPI runs at most once a minute, so a seconds field (six or seven fields) is refused.
 */
export function cronProblem(expr: string, timezone: string): string | null {
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.trim().startsWith('@') && fields > 5) {
    return `${fields} fields; give five (minute hour day-of-month month day-of-week): a KPI runs at most once a minute, so there is no seconds field`;
  }
  try {
    const job = new Cron(expr, { timezone, paused: true, mode: '5-part' });
    if (job.nextRun(new Date(0)) === null) return 'never fires';
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * The first slot strictly after `after`. Interval slots are multiples of the frequency since the epoch;
 * cron slots are at most one a minute: from the next minute on, so that a seconds field stored before
 * it was refused still runs once a minute, not once a second.
 */
export function nextSlot(schedule: Schedule, after: Date): Date {
  if (schedule.kind === 'interval') {
    const periodMs = schedule.frequencyMinutes * 60_000;
    return new Date((Math.floor(after.getTime() / periodMs) + 1) * periodMs);
  }
  const endOfMinute = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 59_999);
  const next = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(endOfMinute);
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

/** The latest slot at or before `at` (the slot a run claimed at `at` belongs to). */
export function latestSlot(schedule: Schedule, at: Date): Date {
  if (schedule.kind === 'interval') {
    const periodMs = schedule.frequencyMinutes * 60_000;
    return new Date(Math.floor(at.getTime() / periodMs) * periodMs);
  }
  const [previous] = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).previousRuns(1, new Date(at.getTime() + 1));
  return previous ?? at;
}

// Building a DateTimeFormat costs about a millisecond; one per zone is kept.
const formats = new Map<string, Intl.DateTimeFormat>();
const formatFor = (timezone: string): Intl.DateTimeFormat => {
  let f = formats.get(timezone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timezone, f);
  }
  return f;
};

/** Minutes east of UTC of an IANA zone at an instant (Europe/Berlin in summer: 120). */
export function zoneOffsetMinutes(timezone: string, at: Date): number {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return 0;
  const parts = formatFor(timezone).formatToParts(at);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The same wall-clock time `weeks` weeks earlier in `timezone`: across a DST change this is 7×24 h ± 1 h,
 * so that a baseline compares 09:00 with 09:00, not with 08:00.
 */
export function weeksEarlier(at: Date, weeks: number, timezone: string): Date {
  return daysEarlier(at, weeks * 7, timezone);
}

/** The same wall-clock time `days` days earlier in `timezone` (see weeksEarlier). */
export function daysEarlier(at: Date, days: number, timezone: string): Date {
  const naive = new Date(at.getTime() - days * 86_400_000);
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return naive;
  return new Date(naive.getTime() + (zoneOffsetMinutes(timezone, at) - zoneOffsetMinutes(timezone, naive)) * 60_000);
}

/** The hour of the day (0–23) at an instant in `timezone`. */
export function localHour(at: Date, timezone: string): number {
  const local = at.getTime() + zoneOffsetMinutes(timezone, at) * 60_000;
  return Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000);
}
