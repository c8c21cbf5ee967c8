import type pg from 'pg';

/**
 * The rights a KPI query must not have on PostgreSQL, for the connecting role and for the owner of
 * every SECURITY DEFINER function it may execute (a call runs with the owner's rights). READ ONLY
 * holds for any role that may write tables, so those are fine; what READ ONLY does not stop is
 * refused: superusers (COPY TO PROGRAM, files), the server-file and signal roles, REPLICATION
 * (replication slots keep WAL), and dblink / postgres_fdw (another connection, outside our transaction).
 */
const INSPECTION = `
WITH candidates AS (
  SELECT r.oid, r.rolname, NULL::text AS via FROM pg_roles r WHERE r.rolname = current_user
  UNION
  SELECT r.oid, r.rolname, p.oid::regprocedure::text FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
   WHERE p.prosecdef AND r.rolname <> current_user AND has_function_privilege(p.oid, 'EXECUTE')
)
SELECT c.rolname AS role, c.via, x.what FROM candidates c CROSS JOIN LATERAL (
  SELECT 'is a superuser' AS what WHERE EXISTS (SELECT 1 FROM pg_roles s WHERE s.rolsuper AND pg_has_role(c.oid, s.oid, 'MEMBER'))
  UNION ALL
  SELECT 'may create replication slots (REPLICATION)' WHERE EXISTS (SELECT 1 FROM pg_roles s WHERE s.rolreplication AND pg_has_role(c.oid, s.oid, 'MEMBER'))
  UNION ALL
  SELECT 'is a member of ' || g FROM unnest(ARRAY['pg_execute_server_program', 'pg_write_server_files', 'pg_read_server_files', 'pg_signal_backend']) g
   WHERE pg_has_role(c.oid, g, 'MEMBER')
  UNION ALL
  SELECT 'may use dblink' WHERE EXISTS (
    SELECT 1 FROM pg_extension e JOIN pg_depend d ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_proc'::regclass
     WHERE e.extname = 'dblink' AND has_function_privilege(c.oid, d.objid, 'EXECUTE'))
  UNION ALL
  SELECT 'may use postgres_fdw' WHERE EXISTS (
    SELECT 1 FROM pg_foreign_data_wrapper w WHERE w.fdwname = 'postgres_fdw' AND (has_foreign_data_wrapper_privilege(c.oid, w.oid, 'USAGE')
      OR EXISTS (SELECT 1 FROM pg_foreign_server s WHERE s.srvfdw = w.oid AND has_server_privilege(c.oid, s.oid, 'USAGE'))))
) x
ORDER BY c.via NULLS FIRST, x.what`;

/** One sentence per right found, naming the role (and the function through which it is reached). */
export async function inspectPostgres(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ role: string; via: string | null; what: string }>(INSPECTION);
  // A superuser may do everything else too: say only that.
  const superusers = new Set(rows.filter((r) => r.what === 'is a superuser').map((r) => `${r.role}/${r.via}`));
  return rows.filter((r) => r.what === 'is a superuser' || !superusers.has(`${r.role}/${r.via}`)).map((r) => (r.via === null ? `user ${r.role} ${r.what}` : `function ${r.via} runs as ${r.role} (SECURITY DEFINER), which ${r.what}`));
}
