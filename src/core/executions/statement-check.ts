/**
 * The checks a KPI query passes before it is saved and again before every run: one statement, that
 * reads (SELECT, WITH, VALUES, TABLE; CALL on MySQL), with no word that writes or locks in it, only the
 * contract's parameters, and none of the functions that act on the server or its files. They are the
 * first of three guards, not the guarantee: the source's read-only transaction and the refusal of
 * privileged users (source inspection) are what hold when a check is fooled.
 */
import { PARAMETER_NAMES, unknownParameters } from './query-params.ts';
import { scanSql, type SqlDialect } from './sql-text.ts';

export interface StatementOptions {
  /** The data source runs as a user that failed inspection (allowPrivilegedUser): CALL is refused too. */
  readonly privileged?: boolean | undefined;
}

export type StatementCheck =
  | { readonly ok: true; /** The statement without a trailing `;`, as the source runs it. */ readonly text: string }
  | { readonly ok: false; readonly problems: readonly string[] };

const READING = ['SELECT', 'WITH', 'VALUES', 'TABLE'];

/** Words that write, lock or store inside a SELECT (data-modifying CTEs, SELECT INTO, INTO OUTFILE, row locks). */
const WRITING = [
  { re: /\b(INSERT|UPDATE|DELETE|MERGE)\b/i, why: 'writes' },
  { re: /\bINTO\b/i, why: 'stores the result (INTO a table, a file or a variable)' },
  { re: /\bFOR\s+(NO\s+KEY\s+|KEY\s+)?SHARE\b|\bLOCK\s+IN\s+SHARE\s+MODE\b/i, why: 'locks rows' },
];

/** Functions that act on the server, its sessions or its files, or run SQL given as text. */
const REFUSED_FUNCTIONS: Record<SqlDialect, RegExp> = {
  postgres: new RegExp('^(?:pg_catalog\\.)?(' + [
    'pg_(terminate|cancel)_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_promote', 'pg_switch_wal', 'pg_create_restore_point',
    'pg_wal_replay_\\w+', 'lo_\\w+', 'pg_file_\\w+', 'pg_read_(binary_)?file', 'pg_ls_\\w+', 'dblink\\w*', 'set_config',
    'pg_stat_(statements_)?reset\\w*', '\\w+_replication_slot', 'pg_replication_origin_\\w+', 'pg_log_backend_memory_contexts',
    'query_to_xml\\w*', 'cursor_to_xml\\w*', 'ts_stat',
  ].join('|') + ')$', 'i'),
  mysql: /^(load_file|sys_exec|sys_eval)$/i,
  sqlite: /^(load_extension|fts3_tokenizer|readfile|writefile|edit)$/i,
};

type Normalised = { code: string; names: string; parts: ReturnType<typeof scanSql> };

/** Code with literals as '' and identifiers as "" (for words), and code with identifiers unquoted (for function names). */
function normalise(sql: string, dialect: SqlDialect): Normalised {
  const parts = scanSql(sql, dialect);
  const code = parts.map((p) => (p.kind === 'code' ? p.text : p.kind === 'literal' ? "''" : p.kind === 'identifier' ? '""' : ' ')).join('');
  const names = parts.map((p) => (p.kind === 'code' ? p.text : p.kind === 'identifier' ? p.text.slice(1, -1) : p.kind === 'literal' ? "''" : ' ')).join('');
  return { code, names, parts };
}

/** Index of the `;` that ends the statement (only whitespace after it), -1 without one, or 'many'. */
function terminator(code: string): number | 'many' {
  const first = code.indexOf(';');
  if (first === -1) return -1;
  return code.slice(first + 1).trim() === '' ? first : 'many';
}

function dialectProblems(n: Normalised, dialect: SqlDialect): string[] {
  const problems: string[] = [];
  if (dialect === 'mysql' && n.parts.some((p) => p.kind === 'comment' && p.executable)) problems.push('executable comments (/*! … */) are refused');
  if (dialect === 'mysql' && n.parts.some((p) => p.kind !== 'code' && p.backslash)) {
    problems.push('a backslash in a string literal is refused on MySQL/MariaDB: its meaning depends on the server (NO_BACKSLASH_ESCAPES); use CHAR(92)');
  }
  const positional = dialect === 'postgres' ? /\$\d/ : /\?/;
  if (positional.test(n.code)) {
    problems.push(`positional placeholders (${dialect === 'postgres' ? '$1' : '?'}) are refused; use ${PARAMETER_NAMES.map((p) => `:${p}`).join(', ')}`);
  }
  return problems;
}

function firstWordProblem(code: string, dialect: SqlDialect, opts: StatementOptions): string | null {
  const word = (/^[\s(]*([A-Za-z_]+)/.exec(code)?.[1] ?? '').toUpperCase();
  if (READING.includes(word) && !(word === 'TABLE' && dialect !== 'postgres')) return null;
  if (word === 'CALL' && dialect === 'mysql') {
    return opts.privileged ? 'CALL is refused on a data source whose user is allowed although privileged (allowPrivilegedUser): a procedure may COMMIT and write' : null;
  }
  const allowed = dialect === 'mysql' ? 'SELECT, WITH, VALUES or CALL' : dialect === 'postgres' ? 'SELECT, WITH, VALUES or TABLE' : 'SELECT, WITH or VALUES';
  return `a KPI query must start with ${allowed}${word === '' ? '' : ` (found ${word})`}`;
}

/** Checks a KPI query for a kind of data source; see the file comment. */
export function checkKpiStatement(sql: string, dialect: SqlDialect, opts: StatementOptions = {}): StatementCheck {
  const n = normalise(sql, dialect);
  if (n.code.trim() === '' || /^[\s;]*$/.test(n.code)) return { ok: false, problems: ['the query is empty'] };
  const problems: string[] = [];
  const end = terminator(n.code);
  if (end === 'many') problems.push('the query holds more than one statement; a KPI query is one statement');
  const first = firstWordProblem(n.code, dialect, opts);
  if (first !== null) problems.push(first);
  for (const w of WRITING) {
    const m = w.re.exec(n.code);
    if (m) problems.push(`${m[0].replace(/\s+/g, ' ').toUpperCase()} is refused: it ${w.why}`);
  }
  for (const m of n.names.matchAll(/([A-Za-z_][A-Za-z0-9_$.]*)\s*\(/g)) {
    if (REFUSED_FUNCTIONS[dialect].test(m[1]!)) problems.push(`the function ${m[1]} is refused in KPI queries`);
  }
  const unknown = unknownParameters(sql, dialect);
  if (unknown.length > 0) {
    problems.push(`unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `:${u}`).join(', ')} (the parameters are ${PARAMETER_NAMES.map((p) => `:${p}`).join(', ')})`);
  }
  problems.push(...dialectProblems(n, dialect));
  if (problems.length > 0) return { ok: false, problems: [...new Set(problems)] };
  return { ok: true, text: typeof end === 'number' && end !== -1 ? sqlBefore(sql, n, end) : sql };
}

/** The original text up to the terminating `;` (normalised code and the original differ in length inside literals). */
function sqlBefore(sql: string, n: Normalised, codeIndex: number): string {
  let seen = 0;
  for (const p of n.parts) {
    const len = p.kind === 'code' ? p.text.length : p.kind === 'comment' ? 1 : 2;
    if (p.kind === 'code' && seen + len > codeIndex) return sql.slice(0, p.start + (codeIndex - seen));
    seen += len;
  }
  return sql;
}
