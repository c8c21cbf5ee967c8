import type { Clock } from '../../core/ports.ts';
import type { Queryable } from '../storage/db.ts';
import { failingKpis, openAlerts, outboxState, runningExecutions, staleKpis, stuckExecutions } from '../storage/operations.repo.ts';
import { systemClock } from '../system-clock.ts';
import type { ScrapeSources } from './metrics.ts';

const count = (db: Queryable, sql: string) => async (): Promise<number> => {
  const { rows } = await db.query<{ n: number }>(sql);
  return Number(rows[0]?.n ?? 0);
};

/**
 * The gauges the store answers at scrape time: state is queried, never kept in the process, so every
 * node reports the same values. The outbox's two gauges share one query per scrape.
 */
export function storeScrapeSources(db: Queryable, clock: Clock = systemClock): ScrapeSources {
  let outbox: { at: number; state: ReturnType<typeof outboxState> } | null = null;
  const outboxNow = () => {
    // Both gauges are collected within the same scrape: one query serves them.
    if (outbox === null || Date.now() - outbox.at > 1000) outbox = { at: Date.now(), state: outboxState(db, clock.now()) };
    return outbox.state;
  };
  return {
    kpisActive: count(db, 'SELECT count(*)::int AS n FROM kpis WHERE active'),
    kpisFailing: () => failingKpis(db),
    kpisStale: async () => (await staleKpis(db, clock.now())).length,
    alertsOpen: () => openAlerts(db),
    outboxBacklog: async () => (await outboxNow()).backlog,
    outboxDeadLetters: async () => (await outboxNow()).deadLetters,
    runningExecutions: () => runningExecutions(db),
    stuckExecutions: () => stuckExecutions(db, clock.now()),
  };
}
