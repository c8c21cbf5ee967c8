/** A nullable timestamp column as a Date (PGlite and pg may hand back strings or Dates). */
export const dateOrNull = (d: Date | string | null): Date | null => (d === null ? null : new Date(d));
