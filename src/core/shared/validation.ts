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
