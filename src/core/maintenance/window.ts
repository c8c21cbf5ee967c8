import type { FieldError } from '../errors.ts';
import { isValidTimeZone } from '../kpis/schedule.ts';
import { diffFields, type Changes } from '../shared/changes.ts';
import { FieldErrors } from '../shared/validation.ts';
import { silenceMatches, type Silence, type SilenceTarget } from '../silences/silence.ts';
import { occurrenceAt, recurrenceProblem, type Recurrence } from './recurrence.ts';

/**
 * A maintenance window: a recurring time (cron or RRULE, a duration, an IANA zone) for some KPIs, scoped
 * like a silence (every criterion given must match, one at least). Runs inside are marked on their
 * history rows and kept out of future baselines; alerts they open are held like a silence holds them.
 */
export interface MaintenanceWindowFields {
  readonly name: string;
  readonly kpiIds: readonly string[] | null;
  readonly owner: string | null;
  readonly keyPattern: string | null;
  readonly priority: 1 | 2 | null;
  /** Exactly one of cron and rrule. */
  readonly cron: string | null;
  readonly rrule: string | null;
  readonly durationMinutes: number;
  readonly timezone: string;
  readonly comment: string;
  readonly createdBy: string;
  readonly active: boolean;
}

export interface MaintenanceWindow extends MaintenanceWindowFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const MAINTENANCE_WINDOW_FIELDS = [
  'name', 'kpiIds', 'owner', 'keyPattern', 'priority', 'cron', 'rrule', 'durationMinutes', 'timezone', 'comment', 'createdBy', 'active',
] as const satisfies readonly (keyof MaintenanceWindowFields)[];

export type MaintenanceWindowInput = { -readonly [K in Exclude<keyof MaintenanceWindowFields, 'createdBy'>]?: MaintenanceWindowFields[K] | undefined };

/** A window lasts at most a week: longer, it is no maintenance but a KPI to deactivate. */
export const MAX_WINDOW_MINUTES = 7 * 1440;

const blank = (s: string | null | undefined): string | null => (s === null || s === undefined || s.trim() === '' ? null : s.trim());

export function windowFromInput(input: MaintenanceWindowInput, by: string, base?: MaintenanceWindowFields): MaintenanceWindowFields | FieldError[] {
  const pick = <K extends keyof MaintenanceWindowInput>(k: K, fallback: MaintenanceWindowFields[K]): MaintenanceWindowFields[K] =>
    (input[k] !== undefined ? input[k] : base !== undefined ? base[k] : fallback) as MaintenanceWindowFields[K];
  let cron = blank(pick('cron', null));
  let rrule = blank(pick('rrule', null));
  // Giving one kind of recurrence replaces the other, so a PATCH can switch.
  if (input.cron != null && input.rrule === undefined) rrule = null;
  if (input.rrule != null && input.cron === undefined) cron = null;
  const kpiIds = pick('kpiIds', null);
  const fields: MaintenanceWindowFields = {
    name: (pick('name', '') ?? '').trim(), kpiIds: kpiIds === null || kpiIds.length === 0 ? null : [...new Set(kpiIds)].sort(),
    owner: blank(pick('owner', null)), keyPattern: blank(pick('keyPattern', null)), priority: pick('priority', null), cron, rrule,
    durationMinutes: pick('durationMinutes', 0), timezone: pick('timezone', 'UTC'), comment: (pick('comment', '') ?? '').trim(),
    createdBy: base?.createdBy ?? by, active: pick('active', true),
  };
  const errors = new FieldErrors();
  errors.check(fields.name.length > 0, '/name', 'must not be empty');
  errors.check(fields.kpiIds !== null || fields.owner !== null || fields.keyPattern !== null || fields.priority !== null,
    '/kpiIds', 'give at least one of kpiIds, owner, keyPattern, priority');
  errors.check((cron === null) !== (rrule === null), '/cron', 'give cron or rrule (one of them)');
  errors.check(Number.isInteger(fields.durationMinutes) && fields.durationMinutes >= 1 && fields.durationMinutes <= MAX_WINDOW_MINUTES,
    '/durationMinutes', `must be 1 to ${MAX_WINDOW_MINUTES} minutes`);
  const zoneOk = isValidTimeZone(fields.timezone);
  errors.check(zoneOk, '/timezone', 'must be an IANA time zone such as Europe/Berlin');
  const recurrence = recurrenceOf(fields);
  if (zoneOk && recurrence !== null) {
    const problem = recurrenceProblem(recurrence, fields.timezone);
    if (problem !== null) errors.add(cron !== null ? '/cron' : '/rrule', problem);
  }
  return errors.empty ? fields : errors.list;
}

export const recurrenceOf = (w: Pick<MaintenanceWindowFields, 'cron' | 'rrule'>): Recurrence | null =>
  w.cron !== null ? { cron: w.cron } : w.rrule !== null ? { rrule: w.rrule } : null;

export const diffWindow = (a: MaintenanceWindowFields, b: MaintenanceWindowFields): Changes => diffFields(a, b, MAINTENANCE_WINDOW_FIELDS);

/** The occurrence `now` is inside, for an active window; null otherwise. */
export function windowOccurrence(w: MaintenanceWindowFields, now: Date): { start: Date; end: Date } | null {
  const r = recurrenceOf(w);
  return w.active && r !== null ? occurrenceAt(r, w.timezone, w.durationMinutes, now) : null;
}

/** Does the window cover this KPI's series (its scope; no severity: a run is judged before any alert)? */
export const windowMatches = (w: MaintenanceWindowFields, t: Omit<SilenceTarget, 'severity'>): boolean =>
  silenceMatches({ ...w, severity: null }, { ...t, severity: 'low' });

/** The windows in force at `now` as the silences they amount to for alerts (held until the occurrence ends). */
export function windowsAsSilences(windows: readonly MaintenanceWindow[], now: Date): Silence[] {
  const out: Silence[] = [];
  for (const w of windows) {
    const o = windowOccurrence(w, now);
    if (o === null) continue;
    out.push({
      id: w.id, kpiIds: w.kpiIds, owner: w.owner, keyPattern: w.keyPattern, priority: w.priority, severity: null, startsAt: o.start.toISOString(),
      endsAt: o.end.toISOString(), comment: `maintenance window ${w.name}`, createdBy: w.createdBy, state: 'active', version: w.version, createdAt: w.createdAt, updatedAt: w.updatedAt,
    });
  }
  return out;
}
