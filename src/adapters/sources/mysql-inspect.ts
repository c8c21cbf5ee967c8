import type mysql from 'mysql2/promise';
import { readGrants } from './mysql-grants.ts';

const SYSTEM_SCHEMAS = "('mysql', 'sys', 'information_schema', 'performance_schema')";

type Conn = mysql.Connection | mysql.PoolConnection;

const lines = (rows: unknown): string[] => (rows as Record<string, string>[]).map((r) => String(Object.values(r)[0]));

/** The grants of the connecting user and of the roles granted to it (read with SET ROLE: MariaDB shows no one else's). */
async function userRefusals(c: Conn, user: string): Promise<string[]> {
  const own = readGrants(lines((await c.query('SHOW GRANTS'))[0]), `user ${user}`);
  const refusals = [...own.refusals];
  for (const role of own.roles) {
    try {
      await c.query('SET ROLE ?', [role]);
      const reading = readGrants(lines((await c.query('SHOW GRANTS FOR CURRENT_ROLE'))[0]), `role ${role} of user ${user}`);
      refusals.push(...reading.refusals, ...reading.roles.map((r) => `role ${r} of user ${user} (through ${role}) cannot be checked`));
    } catch {
      refusals.push(`role ${role} of user ${user} cannot be checked`);
    } finally {
      await c.query('SET ROLE NONE').catch(() => undefined);
    }
  }
  return refusals;
}

/** Whether a definer passes the same check; null when its grants cannot be read (no rights on the mysql schema). */
async function definerRefusals(c: Conn, definer: string): Promise<string[] | null> {
  const at = definer.lastIndexOf('@');
  try {
    const [rows] = await c.query('SHOW GRANTS FOR ?@?', [definer.slice(0, at), definer.slice(at + 1)]);
    const reading = readGrants(lines(rows), definer);
    return reading.roles.length > 0 ? [...reading.refusals, `${definer} has roles`] : reading.refusals;
  } catch {
    return null;
  }
}

/**
 * The rights a KPI query must not have on MySQL/MariaDB: the user's beyond SELECT, EXECUTE and SHOW
 * VIEW, and every routine or view the user may use that runs with another definer's rights (MySQL's
 * default SQL SECURITY DEFINER) whose definer does not pass the same check.
 */
export async function inspectMysql(c: Conn): Promise<string[]> {
  const [[me]] = (await c.query('SELECT CURRENT_USER() AS user')) as unknown as [{ user: string }[]];
  const user = me!.user;
  const refusals = await userRefusals(c, user);
  const [objects] = await c.query(
    `SELECT LOWER(ROUTINE_TYPE) AS kind, ROUTINE_SCHEMA AS db, ROUTINE_NAME AS name, DEFINER AS definer FROM information_schema.ROUTINES
      WHERE SECURITY_TYPE = 'DEFINER' AND DEFINER <> CURRENT_USER() AND ROUTINE_SCHEMA NOT IN ${SYSTEM_SCHEMAS}
     UNION ALL
     SELECT 'view', TABLE_SCHEMA, TABLE_NAME, DEFINER FROM information_schema.VIEWS
      WHERE SECURITY_TYPE = 'DEFINER' AND DEFINER <> CURRENT_USER() AND TABLE_SCHEMA NOT IN ${SYSTEM_SCHEMAS}
     ORDER BY 2, 3`,
  );
  const checked = new Map<string, string[] | null>();
  for (const o of objects as { kind: string; db: string; name: string; definer: string }[]) {
    if (!checked.has(o.definer)) checked.set(o.definer, await definerRefusals(c, o.definer));
    const found = checked.get(o.definer)!;
    const what = `${o.kind} ${o.db}.${o.name} runs with the rights of ${o.definer} (SQL SECURITY DEFINER)`;
    if (found === null) refusals.push(`${what}, which user ${user} cannot check: make it SQL SECURITY INVOKER`);
    else if (found.length > 0) refusals.push(`${what}: ${found.join('; ')}`);
  }
  return refusals;
}
