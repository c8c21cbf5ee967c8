import type { EscalationChain, EscalationKind, EscalationStep, EscalationTargetType } from './admin-types.ts';

/** One target as the steps editor holds it; no kind ticked = the target's usual ways (as the KPI's priority says). */
export interface TargetForm {
  type: EscalationTargetType;
  id: string;
  kinds: EscalationKind[];
}

export interface StepForm {
  /** As typed, so a half-typed number is not lost. */
  afterMinutes: string;
  targets: TargetForm[];
}

export interface ChainForm {
  name: string;
  steps: StepForm[];
}

export const blankTarget = (): TargetForm => ({ type: 'team', id: '', kinds: [] });

/** A new step: ten minutes after the last one (the API wants them strictly ascending). */
export const nextStep = (steps: readonly StepForm[]): StepForm => {
  const last = Number(steps.at(-1)?.afterMinutes);
  return { afterMinutes: steps.length === 0 ? '0' : String(Number.isFinite(last) ? last + 10 : 10), targets: [blankTarget()] };
};

export const blankChain = (): ChainForm => ({ name: '', steps: [nextStep([])] });

export const chainFormOf = (c: EscalationChain): ChainForm => ({
  name: c.name,
  steps: c.steps.map((s) => ({ afterMinutes: String(s.afterMinutes), targets: s.targets.map((t) => ({ type: t.type, id: t.id, kinds: [...(t.kinds ?? [])] })) })),
});

/** The body of POST /escalation-chains and PATCH /escalation-chains/{id}; the API checks the order and the ids. */
export const chainBodyOf = (f: ChainForm): { name: string; steps: EscalationStep[] } => ({
  name: f.name.trim(),
  steps: f.steps.map((s) => ({
    afterMinutes: s.afterMinutes.trim() === '' ? Number.NaN : Number(s.afterMinutes),
    // A channel is reached its own way: kinds are for people (a team's members, a contact).
    targets: s.targets.map((t) => (t.kinds.length && t.type !== 'channel' ? { type: t.type, id: t.id, kinds: (['email', 'sms'] as const).filter((k) => t.kinds.includes(k)) } : { type: t.type, id: t.id })),
  })),
});

/** `now`, `after 10 min`, `after 2 h 30 min`. */
export function delayText(minutes: number): string {
  if (minutes === 0) return 'now';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `after ${[h && `${h} h`, m && `${m} min`].filter(Boolean).join(' ')}`;
}

/** A chain's steps in words: `now: team Payments by email; after 10 min: team Payments by SMS`. */
export function stepsText(steps: readonly EscalationStep[], nameOf: (type: EscalationTargetType, id: string) => string): string {
  return steps.map((s) => `${delayText(s.afterMinutes)}: ${s.targets.map((t) => {
    const by = t.kinds?.length ? ` by ${t.kinds.map((k) => (k === 'sms' ? 'SMS' : k)).join(' and ')}` : '';
    return `${t.type} ${nameOf(t.type, t.id)}${by}`;
  }).join(', ')}`).join('; ');
}

/** Where an alert's chain stands: `1 of 2 steps notified; next after 10 min`, or stopped by the acknowledgement or resolution. */
export function escalationText(e: { readonly steps: readonly EscalationStep[]; readonly notified: number }, status: string): string {
  const done = `${e.notified} of ${e.steps.length} step${e.steps.length === 1 ? '' : 's'} notified`;
  const next = e.steps[e.notified];
  if (!next) return done;
  return status === 'open' ? `${done}; next ${delayText(next.afterMinutes)} (unless acknowledged)` : `${done}; stopped when it was ${status}`;
}
