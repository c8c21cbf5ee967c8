import type { Queryable } from '../storage/db.ts';
import type { ScrapeSources } from './metrics.ts';

const count = (db: Queryable, sql: string) => async (): Promise<number> => {
  const { rows } = await db.query<{ n: number }>(sql);
  return Number(rows[0]?.n ?? 0);
};

/**
 * The gauges the store answers at scrape time. Features that add tables (executions, alerts, outbox)
 * add their query here: kpisFailing, kpisStale, alertsOpen, outboxBacklog, outboxDeadLetters,
 * runningExecutions, stuckExecutions.
 */
export function storeScrapeSources(db: Queryable): ScrapeSources {
  return {
    kpisActive: count(db, 'SELECT count(*)::int AS n FROM kpis WHERE active'),
  };
}
