/** A field-level diff: for each changed field its old and new value. Stored in *Updated events. */
export type Changes = Record<string, { from: unknown; to: unknown }>;

/** JSON equality, except that a non-finite number (which JSON writes as null) is never the same as null. */
const same = (a: unknown, b: unknown): boolean =>
  (typeof a === 'number' && !Number.isFinite(a)) || (typeof b === 'number' && !Number.isFinite(b)) ? Object.is(a, b) : JSON.stringify(a) === JSON.stringify(b);

/** Compares `before` and `after` on the given fields; unchanged fields are left out. */
export function diffFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    if (!same(before[field], after[field])) changes[field] = { from: before[field] ?? null, to: after[field] ?? null };
  }
  return changes;
}

export const hasChanges = (changes: Changes): boolean => Object.keys(changes).length > 0;
