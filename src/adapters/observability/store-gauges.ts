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
 * node reports the same values.
 */
export function storeScrapeSources(db: Queryable, clock: Clock = systemClock): ScrapeSources {
  // Prometheus collects both outbox gauges of a scrape at once: they share the query in flight.
  let outbox: ReturnType<typeof outboxState> | null = null;
  const outboxNow = () => (outbox ??= outboxState(db, clock.now()).finally(() => { outbox = null; }));
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
