import type { Queryable } from '../../src/adapters/storage/db.ts';

/**
 * Fills audit_entries with `count` synthetic entries in one INSERT ... SELECT (seconds, not minutes,
 * for 100,000). Entry i (1-based) is fully determined by i, so tests can compute what a filter must
 * return without asking the database. Shape: 60% KPI, 20% alert, 10% contact, 10% data-source
 * entries over 5,000 entities, 50 users, 3 entries per correlation id, one entry every 30 seconds
 * from FIXTURE_START.
 */
export const FIXTURE_START = Date.parse('2026-01-01T00:00:00Z');
export const FIXTURE_STEP_MS = 30_000;
export const FIXTURE_WORDS = ['Deposits', 'Withdrawals', 'Signups', 'Logins', 'Orders', 'Refunds', 'Payouts', 'Chargebacks'] as const;

export interface FixtureEntry {
  position: number; entityType: string; entityId: string; eventType: string; actor: string; correlationId: string; recordedAt: Date; word: string;
}

/** Entry i as the SQL below writes it. */
export function fixtureEntry(i: number): FixtureEntry {
  const bucket = i % 10;
  const entityType = bucket < 6 ? 'kpi' : bucket < 8 ? 'alert' : bucket === 8 ? 'contact' : 'datasource';
  const prefix = { kpi: 'kpi', alert: 'alr', contact: 'con', datasource: 'dsn' }[entityType];
  const eventType = {
    kpi: ['KpiUpdated', 'KpiActivated', 'KpiDeactivated'][i % 3]!,
    alert: ['AlertOpened', 'AlertResolved'][i % 2]!,
    contact: 'ContactUpdated',
    datasource: 'DataSourceUpdated',
  }[entityType]!;
  return {
    position: i, entityType, entityId: `${prefix}_E${i % 5000}`, eventType, actor: entityType === 'alert' ? 'system' : `usr_${i % 50}`,
    correlationId: `cor_${Math.floor(i / 3)}`, recordedAt: new Date(FIXTURE_START + i * FIXTURE_STEP_MS), word: FIXTURE_WORDS[i % 8]!,
  };
}

/**
 * Builds the secondary indexes after the rows are in (several times faster than row by row, GIN above
 * all). Inserts in chunks so that no transaction runs long: event readers on the same server wait for
 * every older transaction of the cluster (see read-all.ts), other test files' included.
 */
export async function insertAuditFixture(db: Queryable, count: number, chunk = 20_000): Promise<void> {
  const { rows: indexes } = await db.query<{ name: string; def: string }>(
    "SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'audit_entries' AND indexname <> 'audit_entries_pkey'",
  );
  for (const ix of indexes) await db.query(`DROP INDEX ${ix.name}`);
  for (let from = 1; from <= count; from += chunk) {
    const to = Math.min(count, from + chunk - 1);
    await db.query(`
      INSERT INTO audit_entries (position, recorded_at, event_type, entity_type, entity_id, entity_version, actor, actor_kind,
                                 client_ip, user_agent, correlation_id, causation_id, trace_id, summary, changes)
      SELECT i, to_timestamp(($3::bigint + i * $4::bigint) / 1000.0), ev, et, eid, i / 5000 + 1,
             CASE WHEN et = 'alert' THEN 'system' ELSE 'usr_' || (i % 50) END,
             CASE WHEN et = 'alert' THEN 'system' ELSE 'user' END,
             '10.0.' || (i % 250) || '.1', 'ops-cli/1.0', 'cor_' || (i / 3), 'req_' || i, NULL,
             CASE WHEN ev = 'KpiUpdated' THEN format('Changed KPI "%s %s": maxThreshold from %s to %s', word, i % 5000, i % 100, i % 100 + 10)
                  ELSE format('%s %s %s', ev, word, i % 5000) END,
             CASE WHEN ev = 'KpiUpdated' THEN jsonb_build_object('maxThreshold', jsonb_build_object('from', i % 100, 'to', i % 100 + 10)) END
        FROM (
          SELECT i, et, ev, eid, word FROM (
            SELECT i,
                   (ARRAY['kpi','kpi','kpi','kpi','kpi','kpi','alert','alert','contact','datasource'])[i % 10 + 1] AS et,
                   (ARRAY['Deposits','Withdrawals','Signups','Logins','Orders','Refunds','Payouts','Chargebacks'])[i % 8 + 1] AS word
              FROM generate_series($1::bigint, $2::bigint) AS i) s,
          LATERAL (SELECT CASE et WHEN 'kpi' THEN (ARRAY['KpiUpdated','KpiActivated','KpiDeactivated'])[i % 3 + 1]
                                  WHEN 'alert' THEN (ARRAY['AlertOpened','AlertResolved'])[i % 2 + 1]
                                  WHEN 'contact' THEN 'ContactUpdated' ELSE 'DataSourceUpdated' END AS ev,
                          (CASE et WHEN 'kpi' THEN 'kpi' WHEN 'alert' THEN 'alr' WHEN 'contact' THEN 'con' ELSE 'dsn' END) || '_E' || (i % 5000) AS eid) l
        ) g`,
      [from, to, FIXTURE_START, FIXTURE_STEP_MS]);
  }
  for (const ix of indexes) await db.query(ix.def);
  await db.query('ANALYZE audit_entries');
}
