/**
 * Splits SQL text into code and the parts that are not code (string literals, quoted identifiers,
 * comments), the way each engine reads it. Named parameters are bound and statements checked only in
 * the code parts, so the scanner must never call code what the engine would run as something else,
 * nor the reverse: where engines differ (MySQL's `-- ` and `#` comments and backslash escapes,
 * PostgreSQL's E'' strings and dollar quotes) it follows the dialect, and where the server's settings
 * could change the meaning (MySQL's NO_BACKSLASH_ESCAPES) the statement check refuses the text.
 */
export type SqlDialect = 'postgres' | 'mysql' | 'sqlite';

export type SqlPart =
  | { readonly kind: 'code'; readonly text: string; readonly start: number }
  | { readonly kind: 'literal' | 'identifier' | 'comment'; readonly text: string; readonly start: number; readonly backslash: boolean; readonly executable: boolean };

const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** End (exclusive) of a quoted run starting at i with quote q; doubled quotes stay inside; backslashes escape when `escapes`. */
function quotedEnd(sql: string, i: number, q: string, escapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    if (escapes && sql[j] === '\\') j += 2;
    else if (sql[j] === q && sql[j + 1] === q) j += 2;
    else if (sql[j] === q) return j + 1;
    else j++;
  }
  return sql.length;
}

function lineEnd(sql: string, i: number): number {
  const end = sql.indexOf('\n', i);
  return end === -1 ? sql.length : end;
}

/** MySQL reads `--` as a comment only when a space or control character (or the end) follows. */
const mysqlDashComment = (sql: string, i: number): boolean => i + 2 >= sql.length || /[\s\x00-\x1f]/.test(sql[i + 2]!);

type Found = { end: number; kind: 'literal' | 'identifier' | 'comment'; executable: boolean };

/** The non-code part starting at i, or null when code starts there. */
function partAt(sql: string, i: number, dialect: SqlDialect): Found | null {
  const c = sql[i]!;
  const two = sql.slice(i, i + 2);
  const prev = i > 0 ? sql[i - 1]! : ' ';
  if (two === '--' && (dialect !== 'mysql' || mysqlDashComment(sql, i))) return { end: lineEnd(sql, i), kind: 'comment', executable: false };
  if (c === '#' && dialect === 'mysql') return { end: lineEnd(sql, i), kind: 'comment', executable: false };
  if (two === '/*') {
    const end = sql.indexOf('*/', i + 2);
    const executable = dialect === 'mysql' && /^\/\*(!|M!)/.test(sql.slice(i, i + 4));
    return { end: end === -1 ? sql.length : end + 2, kind: 'comment', executable };
  }
  if (c === "'") {
    const escapes = dialect === 'mysql' || (dialect === 'postgres' && /[Ee]/.test(prev) && !IDENT_CHAR.test(i > 1 ? sql[i - 2]! : ' '));
    return { end: quotedEnd(sql, i, "'", escapes), kind: 'literal', executable: false };
  }
  if (c === '"') return dialect === 'mysql'
    ? { end: quotedEnd(sql, i, '"', true), kind: 'literal', executable: false }
    : { end: quotedEnd(sql, i, '"', false), kind: 'identifier', executable: false };
  if (c === '`' && dialect !== 'postgres') return { end: quotedEnd(sql, i, '`', false), kind: 'identifier', executable: false };
  if (c === '$' && dialect === 'postgres' && !IDENT_CHAR.test(prev)) {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
    if (tag) {
      const end = sql.indexOf(tag[0], i + tag[0].length);
      return { end: end === -1 ? sql.length : end + tag[0].length, kind: 'literal', executable: false };
    }
  }
  return null;
}

/** The parts of `sql` in order; joined, their texts give `sql` back. */
export function scanSql(sql: string, dialect: SqlDialect): SqlPart[] {
  const parts: SqlPart[] = [];
  let code = '';
  let codeStart = 0;
  let i = 0;
  const flush = () => {
    if (code !== '') parts.push({ kind: 'code', text: code, start: codeStart });
    code = '';
  };
  while (i < sql.length) {
    const found = partAt(sql, i, dialect);
    if (found === null) {
      if (code === '') codeStart = i;
      code += sql[i];
      i++;
      continue;
    }
    flush();
    const text = sql.slice(i, found.end);
    // In MySQL a backslash means an escape or itself, by the server's sql_mode: ambiguous.
    parts.push({ kind: found.kind, text, start: i, backslash: dialect === 'mysql' && found.kind === 'literal' && text.includes('\\'), executable: found.executable });
    i = found.end;
  }
  flush();
  return parts;
}
