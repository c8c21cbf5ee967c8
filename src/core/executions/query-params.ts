/**
 * The query contract's named parameters, rewritten into each driver's placeholders so that values are
 * bound by the driver and never spliced into the SQL text. Only code is rewritten (see sql-text.ts):
 * `':windowStart'` in a literal or a comment stays text, and `::` casts are not parameters.
 */
import { scanSql, type SqlDialect } from './sql-text.ts';

export const PARAMETER_NAMES = ['forLastMinutes', 'windowStart', 'windowEnd'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];
export type ParameterValues = Readonly<Record<ParameterName, number | Date>>;

export interface BoundQuery {
  readonly text: string;
  /** The parameter names in placeholder order (repeated for `?` placeholders). */
  readonly names: readonly ParameterName[];
}

/**
 * `:name` where a value may stand: not after an identifier character, a `]` or a `:` (`a[lo:hi]`,
 * `x::int`), and not `:=` (MySQL assignment).
 */
const PARAMETER = /(?<![A-Za-z0-9_$\]:]):(?!:)([A-Za-z_][A-Za-z0-9_]*)/g;

const isKnown = (name: string): name is ParameterName => (PARAMETER_NAMES as readonly string[]).includes(name);

/** Every `:name` in the code of `sql` that is not one of the contract's parameters, once each. */
export function unknownParameters(sql: string, dialect: SqlDialect): string[] {
  const unknown = new Set<string>();
  for (const part of scanSql(sql, dialect)) {
    if (part.kind !== 'code') continue;
    for (const m of part.text.matchAll(PARAMETER)) if (!isKnown(m[1]!)) unknown.add(m[1]!);
  }
  return [...unknown];
}

/** Rewrites `:forLastMinutes`, `:windowStart`, `:windowEnd` into `$1…` (PostgreSQL) or `?` (MySQL, SQLite). */
export function bindNamedParameters(sql: string, dialect: SqlDialect): BoundQuery {
  const names: ParameterName[] = [];
  const placeholder = (name: ParameterName): string => {
    if (dialect !== 'postgres') {
      names.push(name);
      return '?';
    }
    if (!names.includes(name)) names.push(name);
    return `$${names.indexOf(name) + 1}`;
  };
  const text = scanSql(sql, dialect)
    .map((part) => (part.kind !== 'code' ? part.text : part.text.replace(PARAMETER, (whole, name: string) => (isKnown(name) ? placeholder(name) : whole))))
    .join('');
  return { text, names };
}

/** Does the query use the window parameters? Only then can past windows be backfilled by running it. */
export function usesWindow(sql: string): boolean {
  const { names } = bindNamedParameters(sql, 'postgres');
  return names.includes('windowStart') || names.includes('windowEnd');
}

export const parameterValues = (bound: BoundQuery, values: ParameterValues): (number | Date)[] => bound.names.map((n) => values[n]);
