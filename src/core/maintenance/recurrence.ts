import { Cron } from 'croner';
import { cronProblem } from '../kpis/schedule.ts';

/**
 * When a maintenance window recurs: a five-field cron expression, or an RFC 5545 RRULE of the part that
 * cron can say (FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with BYDAY without ordinals, BYMONTHDAY, BYMONTH,
 * BYHOUR, BYMINUTE, and UNTIL; no INTERVAL > 1, COUNT or BYSETPOS). Times are wall-clock times of the
 * window's IANA zone, so "02:00 Europe/Berlin" stays 02:00 across daylight-saving changes.
 */
export type Recurrence = { readonly cron: string } | { readonly rrule: string };

const DAYS: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };
const list = (v: string | undefined, ok: (x: string) => boolean): string[] | null => {
  if (v === undefined) return null;
  const parts = v.split(',');
  return parts.every(ok) ? parts : [];
};
const int = (lo: number, hi: number) => (x: string) => /^\d+$/.test(x) && Number(x) >= lo && Number(x) <= hi;

/** An RRULE (with or without the `RRULE:` prefix) as a cron expression and its UNTIL, or what is wrong with it. */
export function rruleToCron(rrule: string): { cron: string; until: Date | null } | { problem: string } {
  const body = rrule.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const p of body.split(';').filter(Boolean)) {
    const [k, v] = p.split('=');
    if (!k || v === undefined) return { problem: `"${p}" is not NAME=VALUE` };
    parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (!freq || !['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'].includes(freq)) return { problem: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' };
  const unsupported = [...parts.keys()].filter((k) => !['FREQ', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYHOUR', 'BYMINUTE', 'UNTIL', 'INTERVAL', 'WKST'].includes(k));
  if (unsupported.length > 0) return { problem: `${unsupported.join(', ')} ${unsupported.length === 1 ? 'is' : 'are'} not supported (use a cron expression)` };
  if ((parts.get('INTERVAL') ?? '1') !== '1') return { problem: 'INTERVAL other than 1 is not supported (use a cron expression)' };
  const days = list(parts.get('BYDAY'), (x) => x in DAYS);
  const monthDays = list(parts.get('BYMONTHDAY'), int(1, 31));
  const months = list(parts.get('BYMONTH'), int(1, 12));
  const hours = list(parts.get('BYHOUR'), int(0, 23));
  const minutes = list(parts.get('BYMINUTE'), int(0, 59));
  for (const [name, v] of [['BYDAY', days], ['BYMONTHDAY', monthDays], ['BYMONTH', months], ['BYHOUR', hours], ['BYMINUTE', minutes]] as const) {
    if (v !== null && v.length === 0) return { problem: `${name} has a value out of range${name === 'BYDAY' ? ' (SU..SA, no ordinals such as 1SU)' : ''}` };
  }
  if (hours === null) return { problem: 'give BYHOUR (and BYMINUTE, default 0): the start time of the window' };
  const dow = days?.map((d) => DAYS[d]).join(',') ?? (freq === 'WEEKLY' ? null : '*');
  if (dow === null) return { problem: 'FREQ=WEEKLY needs BYDAY' };
  const dom = monthDays?.join(',') ?? (freq === 'MONTHLY' && days === null ? null : '*');
  if (dom === null) return { problem: 'FREQ=MONTHLY needs BYMONTHDAY or BYDAY' };
  const month = months?.join(',') ?? (freq === 'YEARLY' ? null : '*');
  if (month === null) return { problem: 'FREQ=YEARLY needs BYMONTH' };
  let until: Date | null = null;
  const u = parts.get('UNTIL');
  if (u !== undefined) {
    const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(u);
    if (!m) return { problem: 'UNTIL must be YYYYMMDD or YYYYMMDDTHHMMSSZ' };
    until = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 23), +(m[5] ?? 59), +(m[6] ?? 59)));
  }
  return { cron: `${(minutes ?? ['0']).join(',')} ${hours.join(',')} ${dom} ${month} ${dow}`, until };
}

/** null when valid, else what is wrong. */
export function recurrenceProblem(r: Recurrence, timezone: string): string | null {
  if ('cron' in r) return cronProblem(r.cron, timezone);
  const c = rruleToCron(r.rrule);
  return 'problem' in c ? c.problem : cronProblem(c.cron, timezone);
}

/** The occurrence of the window that `now` is inside: [start, end), or null. */
export function occurrenceAt(r: Recurrence, timezone: string, durationMinutes: number, now: Date): { start: Date; end: Date } | null {
  const c = 'cron' in r ? { cron: r.cron, until: null } : rruleToCron(r.rrule);
  if ('problem' in c) return null;
  const job = new Cron(c.cron, { timezone, paused: true, mode: '5-part' });
  // The latest start at or before now (a start exactly now counts).
  const [start] = job.previousRuns(1, new Date(now.getTime() + 1));
  if (start === undefined || (c.until !== null && start > c.until)) return null;
  const end = new Date(start.getTime() + durationMinutes * 60_000);
  return now < end ? { start, end } : null;
}
