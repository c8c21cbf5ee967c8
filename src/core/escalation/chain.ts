import type { FieldError } from '../errors.ts';
import { diffFields, type Changes } from '../shared/changes.ts';

/**
 * An escalation chain: who hears of an alert, and when, while nobody acknowledges it. Step k notifies
 * its targets `afterMinutes` after the alert opened (or after the silence that held it let go).
 */

export const TARGET_TYPES = ['team', 'contact', 'channel'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];
export const TARGET_KINDS = ['email', 'sms'] as const;
/** How a person is reached: by mail, or by SMS through the gateway. */
export type TargetKind = (typeof TARGET_KINDS)[number];

export interface EscalationTarget {
  readonly type: TargetType;
  readonly id: string;
  /** Which of a person's addresses; absent = email, and SMS for a priority 1 KPI (as a KPI's own contacts). */
  readonly kinds?: readonly TargetKind[];
}

export interface EscalationStep {
  readonly afterMinutes: number;
  readonly targets: readonly EscalationTarget[];
}

export interface EscalationChainFields {
  readonly name: string;
  readonly steps: readonly EscalationStep[];
}

export interface EscalationChain extends EscalationChainFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface EscalationChainInput {
  readonly name?: string | undefined;
  readonly steps?: readonly EscalationStep[] | undefined;
}

export const ESCALATION_CHAIN_FIELDS = ['name', 'steps'] as const satisfies readonly (keyof EscalationChainFields)[];

/** A week: a step later than that is no escalation any more. */
export const MAX_AFTER_MINUTES = 10_080;
export const MAX_STEPS = 20;
export const MAX_TARGETS = 20;
export const MAX_NAME = 100;

function targetErrors(t: EscalationTarget, path: string, seen: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  if (!(TARGET_TYPES as readonly string[]).includes(t.type)) errors.push({ path: `${path}/type`, message: `must be one of ${TARGET_TYPES.join(', ')}` });
  if (typeof t.id !== 'string' || t.id.trim() === '') errors.push({ path: `${path}/id`, message: 'must name a team, contact or channel' });
  const key = `${t.type}:${t.id}`;
  if (seen.has(key)) errors.push({ path, message: `${t.type} ${t.id} is named twice in this step` });
  seen.add(key);
  if (t.kinds === undefined) return errors;
  if (t.type === 'channel') errors.push({ path: `${path}/kinds`, message: 'a channel has its own kind; kinds are for teams and contacts' });
  else if (t.kinds.length === 0) errors.push({ path: `${path}/kinds`, message: 'must name at least one of email, sms (or be left out)' });
  else if (new Set(t.kinds).size !== t.kinds.length) errors.push({ path: `${path}/kinds`, message: 'must not repeat a kind' });
  else if (t.kinds.some((k) => !(TARGET_KINDS as readonly string[]).includes(k))) errors.push({ path: `${path}/kinds`, message: 'must be email or sms' });
  return errors;
}

function stepErrors(s: EscalationStep, i: number, previous: EscalationStep | undefined): FieldError[] {
  const path = `/steps/${i}`;
  const errors: FieldError[] = [];
  if (!Number.isSafeInteger(s.afterMinutes) || s.afterMinutes < 0 || s.afterMinutes > MAX_AFTER_MINUTES) {
    errors.push({ path: `${path}/afterMinutes`, message: `must be a whole number of minutes from 0 to ${MAX_AFTER_MINUTES}` });
  } else if (previous !== undefined && s.afterMinutes <= previous.afterMinutes) {
    errors.push({ path: `${path}/afterMinutes`, message: `must be later than the step before (${previous.afterMinutes} minutes)` });
  }
  if (s.targets.length === 0 || s.targets.length > MAX_TARGETS) errors.push({ path: `${path}/targets`, message: `must name 1 to ${MAX_TARGETS} targets` });
  const seen = new Set<string>();
  s.targets.forEach((t, j) => errors.push(...targetErrors(t, `${path}/targets/${j}`, seen)));
  return errors;
}

/** What is wrong with a chain's fields, by path; [] = valid. References are checked by the commands (they need the store). */
export function validateChain(f: EscalationChainFields): FieldError[] {
  const errors: FieldError[] = [];
  if (f.name.trim() === '' || f.name.length > MAX_NAME) errors.push({ path: '/name', message: `must be 1 to ${MAX_NAME} characters` });
  if (f.steps.length === 0 || f.steps.length > MAX_STEPS) errors.push({ path: '/steps', message: `must have 1 to ${MAX_STEPS} steps` });
  f.steps.forEach((s, i) => errors.push(...stepErrors(s, i, f.steps[i - 1])));
  return errors;
}

/** Copies the steps into plain arrays, leaving `kinds` out where it was not given (absent ≠ []). */
const copySteps = (steps: readonly EscalationStep[]): EscalationStep[] =>
  steps.map((s) => ({ afterMinutes: s.afterMinutes, targets: s.targets.map((t) => ({ type: t.type, id: t.id, ...(t.kinds === undefined ? {} : { kinds: [...t.kinds] }) })) }));

/** The fields of a create (no current) or of a patch over `current`; errors when they are not a valid chain. */
export function chainFromInput(input: EscalationChainInput, current?: EscalationChainFields): EscalationChainFields | FieldError[] {
  const name = input.name ?? current?.name;
  const steps = input.steps ?? current?.steps;
  const missing: FieldError[] = [
    ...(name === undefined ? [{ path: '/name', message: 'is required' }] : []),
    ...(steps === undefined ? [{ path: '/steps', message: 'is required' }] : []),
  ];
  if (missing.length > 0) return missing;
  const fields: EscalationChainFields = { name: name!.trim(), steps: copySteps(steps!) };
  const errors = validateChain(fields);
  return errors.length > 0 ? errors : fields;
}

export const diffChain = (before: EscalationChainFields, after: EscalationChainFields): Changes => diffFields(before, after, ESCALATION_CHAIN_FIELDS);

/** Every target of the chain with where it sits, for reference checks ("/steps/1/targets/0/id"). */
export const targetsOf = (steps: readonly EscalationStep[]): { target: EscalationTarget; path: string }[] =>
  steps.flatMap((s, i) => s.targets.map((target, j) => ({ target, path: `/steps/${i}/targets/${j}/id` })));
