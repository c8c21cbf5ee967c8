import type { FieldError } from '../errors.ts';

/** Collects field errors so that a user sees every problem at once, not the first. */
export class FieldErrors {
  readonly list: FieldError[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  check(ok: boolean, path: string, message: string): void {
    if (!ok) this.add(path, message);
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** E.164: a plus sign, a country code that does not start with 0, at most 15 digits in all. */
export const isE164 = (phone: string): boolean => /^\+[1-9]\d{6,14}$/.test(phone);

/** A deliberately plain email check: one @, something on each side, a dot in the domain, no spaces. */
export const isEmail = (email: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254;

/**
 * The path (`/a/0/b`) of the first number in `value` that is not finite, or null. JSON has no ±Infinity
 * or NaN: an event would store null where the number was, and the read model the number itself.
 */
export function nonFinitePath(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path || '/';
  if (value === null || typeof value !== 'object' || value instanceof Date) return null;
  for (const [k, v] of Object.entries(value)) {
    const found = nonFinitePath(v, `${path}/${k}`);
    if (found !== null) return found;
  }
  return null;
}

/** Refuses every top-level field of `fields` that holds ±Infinity or NaN. */
export function checkFinite(fields: object, errors: FieldErrors): void {
  for (const [field, v] of Object.entries(fields)) {
    if (typeof v === 'number' && !Number.isFinite(v)) errors.add(`/${field}`, 'must be a finite number');
  }
}
