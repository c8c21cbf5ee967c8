/**
 * Reads MySQL/MariaDB `SHOW GRANTS` lines. A KPI user may hold SELECT, EXECUTE and SHOW VIEW (and the
 * USAGE every account has); anything else, a grant option or a proxy grant is refused, because
 * `START TRANSACTION READ ONLY` does not hold against DDL (an implicit commit), a procedure's COMMIT,
 * LOCK TABLES or files (INTO OUTFILE).
 */
const ALLOWED = new Set(['USAGE', 'SELECT', 'EXECUTE', 'SHOW VIEW']);

export interface GrantReading {
  /** One sentence per refused right, naming the privilege and where it applies. */
  readonly refusals: string[];
  /** Roles granted to the account: their grants must be read too. */
  readonly roles: string[];
}

/** Splits a privilege list on commas outside column lists: `SELECT (a, b), INSERT` → SELECT, INSERT. */
function privileges(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of list) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else if (depth === 0 && c !== ')') current += c;
  }
  out.push(current);
  return out.map((p) => p.trim().replace(/\s+/g, ' ').toUpperCase()).filter((p) => p !== '');
}

const unquote = (name: string): string => name.trim().replace(/`/g, '');

/** `who` names the account in the sentences (the user, a role, or a definer). */
export function readGrants(lines: readonly string[], who: string): GrantReading {
  const refusals: string[] = [];
  const roles: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!/^GRANT\s/i.test(line)) continue; // SET DEFAULT ROLE …
    const onMatch = /^GRANT\s+(.+?)\s+ON\s+(.+?)\s+TO\s+(.+)$/is.exec(line);
    if (onMatch === null) {
      const role = /^GRANT\s+(.+?)\s+TO\s+/is.exec(line);
      if (role) roles.push(...role[1]!.split(',').map(unquote));
      continue;
    }
    const [, list, object, rest] = onMatch as unknown as [string, string, string, string];
    const where = unquote(object);
    for (const p of privileges(list)) {
      if (p === 'PROXY') refusals.push(`${who} may act as another account (PROXY ON ${where})`);
      else if (!ALLOWED.has(p)) refusals.push(`${who} has ${p === 'ALL PRIVILEGES' || p === 'ALL' ? 'ALL PRIVILEGES' : p} on ${where}`);
    }
    if (/\bWITH\b.*\bGRANT\s+OPTION\b/i.test(rest)) refusals.push(`${who} may grant its privileges on ${where} (WITH GRANT OPTION)`);
  }
  return { refusals, roles };
}
