import type { Queryable } from './db.ts';

export interface SchedulerStatus {
  readonly now: Date;
  readonly nodes: { nodeId: string; hostname: string; pid: number; role: string; startedAt: Date; heartbeatAt: Date; alive: boolean; running: number; counters: Record<string, number> }[];
  readonly running: { kpiId: string; indicator: string; slot: Date; node: string | null; since: Date | null; leaseUntil: Date | null; attempt: number }[];
  readonly queue: { due: number; oldest: { kpiId: string; indicator: string; dueAt: Date }[] };
  readonly nextRuns: { kpiId: string; indicator: string; nextRunAt: Date }[];
}

const d = (v: Date | string) => new Date(v);

/** What every node sees: nodes and their heartbeats, leases held, due KPIs waiting, the next runs. */
export async function schedulerStatus(db: Queryable, now: Date, staleAfterMs: number, limit = 50): Promise<SchedulerStatus> {
  const nodes = await db.query<{ node_id: string; hostname: string; pid: number; role: string; started_at: Date; heartbeat_at: Date; stopped_at: Date | null; running: number; counters: Record<string, number> }>(
    'SELECT * FROM scheduler_nodes WHERE stopped_at IS NULL OR stopped_at > $1 ORDER BY started_at, node_id', [new Date(now.getTime() - 86_400_000)],
  );
  const running = await db.query<{ kpi_id: string; indicator: string; running_slot: Date; lease_owner: string | null; running_since: Date | null; lease_until: Date | null; attempt: number }>(
    `SELECT r.kpi_id, k.indicator, r.running_slot, r.lease_owner, r.running_since, r.lease_until, r.attempt
       FROM kpi_runs r JOIN kpis k ON k.id = r.kpi_id WHERE r.running_slot IS NOT NULL ORDER BY r.running_since LIMIT $1`, [limit],
  );
  const due = await db.query<{ kpi_id: string; indicator: string; next_run_at: Date; total: number }>(
    `SELECT r.kpi_id, k.indicator, r.next_run_at, count(*) OVER ()::int AS total FROM kpi_runs r JOIN kpis k ON k.id = r.kpi_id
      WHERE k.active AND r.running_slot IS NULL AND r.next_run_at <= $1 ORDER BY r.next_run_at LIMIT $2`, [now, limit],
  );
  const next = await db.query<{ kpi_id: string; indicator: string; next_run_at: Date }>(
    `SELECT r.kpi_id, k.indicator, r.next_run_at FROM kpi_runs r JOIN kpis k ON k.id = r.kpi_id
      WHERE k.active AND r.next_run_at > $1 ORDER BY r.next_run_at LIMIT $2`, [now, limit],
  );
  return {
    now,
    nodes: nodes.rows.map((n) => ({
      nodeId: n.node_id, hostname: n.hostname, pid: n.pid, role: n.role, startedAt: d(n.started_at), heartbeatAt: d(n.heartbeat_at),
      alive: n.stopped_at === null && now.getTime() - d(n.heartbeat_at).getTime() <= staleAfterMs, running: n.running, counters: n.counters,
    })),
    running: running.rows.map((r) => ({ kpiId: r.kpi_id, indicator: r.indicator, slot: d(r.running_slot), node: r.lease_owner, since: r.running_since && d(r.running_since), leaseUntil: r.lease_until && d(r.lease_until), attempt: r.attempt })),
    queue: { due: due.rows[0]?.total ?? 0, oldest: due.rows.map((r) => ({ kpiId: r.kpi_id, indicator: r.indicator, dueAt: d(r.next_run_at) })) },
    nextRuns: next.rows.map((r) => ({ kpiId: r.kpi_id, indicator: r.indicator, nextRunAt: d(r.next_run_at) })),
  };
}
