import { diffFields, type Changes } from '../shared/changes.ts';
import { FieldErrors, isE164, isEmail } from '../shared/validation.ts';
import type { FieldError } from '../errors.ts';

export interface ContactFields {
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly active: boolean;
}

export interface Contact extends ContactFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type ContactInput = Partial<ContactFields> & { name?: string };

export const CONTACT_FIELDS = ['name', 'email', 'phone', 'active'] as const satisfies readonly (keyof ContactFields)[];

export function validateContact(c: ContactFields): FieldError[] {
  const errors = new FieldErrors();
  errors.check(c.name.trim().length > 0, '/name', 'must not be empty');
  if (c.email !== null) errors.check(isEmail(c.email), '/email', 'must be an email address');
  if (c.phone !== null) errors.check(isE164(c.phone), '/phone', 'must be an E.164 number such as +4915112345678');
  errors.check(c.email !== null || c.phone !== null, '/email', 'a contact needs an email or a phone number');
  return errors.list;
}

export function contactFromInput(input: ContactInput, base?: ContactFields): ContactFields {
  return {
    name: (input.name ?? base?.name ?? '').trim(),
    email: input.email !== undefined ? input.email : (base?.email ?? null),
    phone: input.phone !== undefined ? input.phone : (base?.phone ?? null),
    active: input.active ?? base?.active ?? true,
  };
}

export const diffContact = (before: ContactFields, after: ContactFields): Changes =>
  diffFields(before, after, CONTACT_FIELDS);
