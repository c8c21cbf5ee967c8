import { kpiSchedule } from '../../core/kpis/kpi.ts';
import { periodMinutes } from '../../core/kpis/schedule.ts';
import type { Queryable } from './db.ts';

/**
 * Operational state read at scrape and health-check time: what is running, stuck, stale, failing,
 * waiting in the outbox. Each is one cheap query on an index or a small table.
 */

const count = async (db: Queryable, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await db.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0);

/** Executions holding a lease now (on any node). */
export const runningExecutions = (db: Queryable): Promise<number> =>
  count(db, 'SELECT count(*)::int AS n FROM kpi_runs WHERE running_slot IS NOT NULL');

/** Executions whose lease ran out without a result: their node died or hangs (the next claim takes them over). */
export const stuckExecutions = (db: Queryable, now: Date): Promise<number> =>
  count(db, 'SELECT count(*)::int AS n FROM kpi_runs WHERE running_slot IS NOT NULL AND lease_until < $1', [now]);

/** Active KPIs whose last run failed, timed out or got stuck. */
export const failingKpis = (db: Queryable): Promise<number> =>
  count(db, `SELECT count(*)::int AS n FROM kpis k JOIN kpi_runs r ON r.kpi_id = k.id
              WHERE k.active AND r.last_status IN ('failed', 'timeout', 'stuck')`);

export const openAlerts = (db: Queryable): Promise<number> => count(db, "SELECT count(*)::int AS n FROM alerts WHERE status <> 'resolved'");

export interface StaleKpi {
  readonly id: string;
  readonly indicator: string;
  /** The last run, or the last edit (activation) when that is later or there was no run. */
  readonly since: Date;
}

/**
 * Active KPIs not run for twice their period (counted from their last run, or their last edit when it
 * came later, so that a KPI just activated is not stale). A cron KPI's period is the gap between its
 * next two slots; SQL keeps only candidates (at least two minutes quiet) for that computation.
 */
export async function staleKpis(db: Queryable, now: Date): Promise<StaleKpi[]> {
  const { rows } = await db.query<{ id: string; indicator: string; frequency_minutes: number | null; cron: string | null; timezone: string; since: Date }>(
    `SELECT k.id, k.indicator, k.frequency_minutes, k.cron, k.timezone, greatest(r.last_run_at, k.updated_at) AS since
       FROM kpis k LEFT JOIN kpi_runs r ON r.kpi_id = k.id
      WHERE k.active AND greatest(r.last_run_at, k.updated_at) < $1::timestamptz - make_interval(mins => 2 * coalesce(k.frequency_minutes, 1))
      ORDER BY since`,
    [now],
  );
  // Cron periods cost two cron evaluations each; KPIs tend to share a few schedules.
  const periods = new Map<string, number>();
  const periodMs = (r: (typeof rows)[number]): number => {
    const key = `${r.frequency_minutes}|${r.cron}|${r.timezone}`;
    let minutes = periods.get(key);
    if (minutes === undefined) periods.set(key, (minutes = periodMinutes(kpiSchedule({ frequencyMinutes: r.frequency_minutes, cron: r.cron, timezone: r.timezone }), now)));
    return minutes * 60_000;
  };
  return rows
    .filter((r) => now.getTime() - new Date(r.since).getTime() > 2 * periodMs(r))
    .map((r) => ({ id: r.id, indicator: r.indicator, since: new Date(r.since) }));
}

export interface OutboxState {
  /** Notifications still to send (due now or later, including those waiting for a retry). */
  readonly backlog: number;
  readonly deadLetters: number;
  /** How long the oldest notification that is due now has waited, ms; 0 when none is due. */
  readonly oldestDueMs: number;
}

export async function outboxState(db: Queryable, now: Date): Promise<OutboxState> {
  const { rows } = await db.query<{ backlog: number; dead: number; oldest: Date | null }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS backlog, count(*) FILTER (WHERE status = 'dead')::int AS dead,
            min(next_attempt_at) FILTER (WHERE status = 'pending' AND next_attempt_at <= $1) AS oldest
       FROM notifications WHERE status IN ('pending', 'dead')`,
    [now],
  );
  const r = rows[0];
  return { backlog: r?.backlog ?? 0, deadLetters: r?.dead ?? 0, oldestDueMs: r?.oldest ? Math.max(0, now.getTime() - new Date(r.oldest).getTime()) : 0 };
}

export interface Heartbeat {
  readonly nodeId: string;
  readonly role: string;
  readonly heartbeatAt: Date;
}

/** The newest heartbeat of a running scheduler node (role all or scheduler), or null when there is none. */
export async function freshestSchedulerHeartbeat(db: Queryable, nodeId?: string): Promise<Heartbeat | null> {
  const { rows } = await db.query<{ node_id: string; role: string; heartbeat_at: Date }>(
    `SELECT node_id, role, heartbeat_at FROM scheduler_nodes
      WHERE stopped_at IS NULL AND role <> 'api' AND ($1::text IS NULL OR node_id = $1)
      ORDER BY heartbeat_at DESC LIMIT 1`,
    [nodeId ?? null],
  );
  const r = rows[0];
  return r ? { nodeId: r.node_id, role: r.role, heartbeatAt: new Date(r.heartbeat_at) } : null;
}
