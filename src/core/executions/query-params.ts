/**
 * The query contract's named parameters, rewritten into each driver's placeholders so that values are
 * bound by the driver and never spliced into the SQL text. The scanner skips string literals, quoted
 * identifiers, comments, PostgreSQL dollar quotes and `::` casts, so `':windowStart'` stays text.
 */
export const PARAMETER_NAMES = ['forLastMinutes', 'windowStart', 'windowEnd'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];
export type ParameterValues = Readonly<Record<ParameterName, number | Date>>;

export type PlaceholderStyle = 'dollar' | 'question';

export interface BoundQuery {
  readonly text: string;
  /** The parameter names in placeholder order (repeated for `?` placeholders). */
  readonly names: readonly ParameterName[];
}

const NAME = new RegExp(`^:(${PARAMETER_NAMES.join('|')})(?![A-Za-z0-9_])`);

/** End index (exclusive) of the literal, identifier or comment starting at i, or -1 if none starts there. */
function skipQuoted(sql: string, i: number): number {
  const c = sql[i];
  const two = sql.slice(i, i + 2);
  if (two === '--') {
    const end = sql.indexOf('\n', i);
    return end === -1 ? sql.length : end;
  }
  if (two === '/*') {
    const end = sql.indexOf('*/', i + 2);
    return end === -1 ? sql.length : end + 2;
  }
  if (c === "'" || c === '"' || c === '`') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\' && c === "'") j += 2; // MySQL escapes; harmless for standard strings without backslashes
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === '$') {
    const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
    if (tag) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return end === -1 ? sql.length : end + tag[0].length;
    }
  }
  return -1;
}

/** Rewrites `:forLastMinutes`, `:windowStart`, `:windowEnd` into `$1…` (PostgreSQL) or `?` (MySQL, SQLite). */
export function bindNamedParameters(sql: string, style: PlaceholderStyle): BoundQuery {
  let text = '';
  const names: ParameterName[] = [];
  let i = 0;
  while (i < sql.length) {
    const skipped = skipQuoted(sql, i);
    if (skipped !== -1) {
      text += sql.slice(i, skipped);
      i = skipped;
      continue;
    }
    if (sql[i] === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
      continue;
    }
    const m = sql[i] === ':' ? NAME.exec(sql.slice(i, i + 20)) : null;
    if (m) {
      const name = m[1] as ParameterName;
      if (style === 'question') {
        names.push(name);
        text += '?';
      } else {
        if (!names.includes(name)) names.push(name);
        text += `$${names.indexOf(name) + 1}`;
      }
      i += m[0].length;
      continue;
    }
    text += sql[i];
    i++;
  }
  return { text, names };
}

/** Does the query use the window parameters? Only then can past windows be backfilled by running it. */
export function usesWindow(sql: string): boolean {
  const { names } = bindNamedParameters(sql, 'dollar');
  return names.includes('windowStart') || names.includes('windowEnd');
}

export const parameterValues = (bound: BoundQuery, values: ParameterValues): (number | Date)[] => bound.names.map((n) => values[n]);
