import type { FieldError } from '../errors.ts';
import { diffFields, type Changes } from '../shared/changes.ts';
import { FieldErrors } from '../shared/validation.ts';
import { SEVERITIES, type Severity } from '../alerts/severity.ts';

/**
 * A silence: while it is in force, alerts it matches are recorded as silenced and nobody is notified.
 * Every criterion given must match (AND); one at least must be given. `keyPattern` is a glob on the
 * series key: `*` any run of characters, `?` one character (no regular expressions: nothing to backtrack).
 */
export interface SilenceScope {
  readonly kpiIds: readonly string[] | null;
  readonly owner: string | null;
  readonly keyPattern: string | null;
  readonly priority: 1 | 2 | null;
  readonly severity: Severity | null;
}

/** active = created and neither ended by hand nor expired (it may not have started yet: see inForce). */
export type SilenceState = 'active' | 'ended' | 'expired';

export interface SilenceFields extends SilenceScope {
  readonly startsAt: string;
  readonly endsAt: string;
  readonly comment: string;
  readonly createdBy: string;
  readonly state: SilenceState;
}

export interface Silence extends SilenceFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export const SILENCE_FIELDS = ['kpiIds', 'owner', 'keyPattern', 'priority', 'severity', 'startsAt', 'endsAt', 'comment', 'createdBy', 'state'] as const satisfies readonly (keyof SilenceFields)[];

/** What a caller sends: times as ISO strings; `durationMinutes` instead of `endsAt` counts from startsAt. */
export interface SilenceInput {
  readonly kpiIds?: readonly string[] | null | undefined;
  readonly owner?: string | null | undefined;
  readonly keyPattern?: string | null | undefined;
  readonly priority?: 1 | 2 | null | undefined;
  readonly severity?: Severity | null | undefined;
  readonly startsAt?: string | undefined;
  readonly endsAt?: string | undefined;
  readonly durationMinutes?: number | undefined;
  readonly comment?: string | undefined;
}

const MINUTE = 60_000;
/** The longest a silence may last: a forgotten silence hides everything it matches. */
export const MAX_SILENCE_DAYS = 90;

const parseTime = (s: string | undefined, path: string, errors: FieldErrors): Date | null => {
  if (s === undefined) return null;
  const d = new Date(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(d.getTime())) {
    errors.add(path, 'must be an ISO 8601 date-time');
    return null;
  }
  return d;
};

/** The fields a create (no base) or a change (with the current silence) leads to, or the field errors. */
export function silenceFromInput(input: SilenceInput, now: Date, by: string, base?: SilenceFields): SilenceFields | FieldError[] {
  const errors = new FieldErrors();
  if (input.endsAt !== undefined && input.durationMinutes !== undefined) errors.add('/durationMinutes', 'give endsAt or durationMinutes, not both');
  const startsAt = parseTime(input.startsAt, '/startsAt', errors) ?? (base ? new Date(base.startsAt) : now);
  let endsAt = parseTime(input.endsAt, '/endsAt', errors);
  if (input.durationMinutes !== undefined) endsAt = new Date(startsAt.getTime() + input.durationMinutes * MINUTE);
  if (endsAt === null && base) endsAt = new Date(base.endsAt);
  if (endsAt === null) errors.add('/endsAt', 'give endsAt or durationMinutes');
  const pick = <K extends keyof SilenceScope>(k: K): SilenceScope[K] => (input[k] !== undefined ? (input[k] as SilenceScope[K]) : (base?.[k] ?? null) as SilenceScope[K]);
  const kpiIds = pick('kpiIds');
  const fields: SilenceFields = {
    kpiIds: kpiIds === null || kpiIds.length === 0 ? null : [...new Set(kpiIds)].sort(),
    owner: blankToNull(pick('owner')),
    keyPattern: pick('keyPattern') === '' ? null : pick('keyPattern'),
    priority: pick('priority'),
    severity: pick('severity'),
    startsAt: startsAt.toISOString(),
    endsAt: (endsAt ?? startsAt).toISOString(),
    comment: (input.comment ?? base?.comment ?? '').trim(),
    createdBy: base?.createdBy ?? by,
    state: base?.state ?? 'active',
  };
  errors.check(fields.comment.length > 0, '/comment', 'say why: a silence needs a comment');
  errors.check(fields.kpiIds !== null || fields.owner !== null || fields.keyPattern !== null || fields.priority !== null || fields.severity !== null,
    '/kpiIds', 'give at least one of kpiIds, owner, keyPattern, priority, severity');
  if (fields.severity !== null) errors.check((SEVERITIES as readonly string[]).includes(fields.severity), '/severity', `must be one of ${SEVERITIES.join(', ')}`);
  if (endsAt !== null) {
    errors.check(endsAt > startsAt, '/endsAt', 'must be after startsAt');
    errors.check(endsAt.getTime() - startsAt.getTime() <= MAX_SILENCE_DAYS * 1440 * MINUTE, '/endsAt', `a silence lasts at most ${MAX_SILENCE_DAYS} days`);
    if (!base || input.endsAt !== undefined || input.durationMinutes !== undefined) errors.check(endsAt > now, '/endsAt', 'must be in the future');
  }
  return errors.empty ? fields : errors.list;
}

const blankToNull = (s: string | null): string | null => (s === null || s.trim() === '' ? null : s.trim());

export const diffSilence = (before: SilenceFields, after: SilenceFields): Changes => diffFields(before, after, SILENCE_FIELDS);

/** In force at `now`: not ended or expired, started, not yet over. */
export const inForce = (s: Pick<SilenceFields, 'state' | 'startsAt' | 'endsAt'>, now: Date): boolean =>
  s.state === 'active' && new Date(s.startsAt) <= now && now < new Date(s.endsAt);

/** `*` any characters, `?` one; everything else literal; the whole key must match. */
export function globMatches(pattern: string, key: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(key);
}

/** What a silence is matched against: an alert and its KPI's owner. */
export interface SilenceTarget {
  readonly kpiId: string;
  readonly owner: string;
  readonly key: string;
  readonly priority: 1 | 2;
  readonly severity: Severity;
}

export function silenceMatches(s: SilenceScope, t: SilenceTarget): boolean {
  return (s.kpiIds === null || s.kpiIds.includes(t.kpiId))
    && (s.owner === null || s.owner.toLowerCase() === t.owner.trim().toLowerCase())
    && (s.keyPattern === null || globMatches(s.keyPattern, t.key))
    && (s.priority === null || s.priority === t.priority)
    && (s.severity === null || s.severity === t.severity);
}

/** The silence that holds a target now: of those in force and matching, the one that lasts longest. */
export function silenceFor(silences: readonly Silence[], t: SilenceTarget, now: Date): Silence | null {
  let best: Silence | null = null;
  for (const s of silences) {
    if (inForce(s, now) && silenceMatches(s, t) && (best === null || s.endsAt > best.endsAt)) best = s;
  }
  return best;
}
