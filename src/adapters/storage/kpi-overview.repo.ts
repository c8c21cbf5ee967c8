import type { RecentPoint, SparkPoint } from '../../core/kpis/tile.ts';
import type { Queryable } from './db.ts';
import { keyFromColumn } from './executions.repo.ts';

/** One KPI as the grid needs it: identity, run state, open alerts, and its latest history rows. */
export interface KpiOverviewRow {
  readonly id: string;
  readonly indicator: string;
  readonly owner: string;
  readonly priority: number;
  readonly active: boolean;
  readonly lastRunAt: Date | null;
  readonly lastStatus: string | null;
  readonly lastError: string | null;
  readonly nextRunAt: Date | null;
  readonly openAlerts: number;
  readonly recent: RecentPoint[];
}

interface KpiRow {
  id: string; indicator: string; owner: string; priority: number; active: boolean; last_run_at: Date | null; last_status: string | null;
  last_error: string | null; next_run_at: Date | null; open_alerts: number;
}
interface PointRow {
  kpi_id: string; run_id: string; series_key: string; started_at: Date; status: string; value: number | null; baseline: number | null;
  deviation_percent: number | null; outcome: string | null;
}

const date = (d: Date | null) => (d === null ? null : new Date(d));
const POINT_COLUMNS = 'e.kpi_id, e.run_id, e.series_key, e.started_at, e.status, e.value, e.baseline, e.deviation_percent, e.outcome';

function groupPoints(points: readonly PointRow[]): Map<string, RecentPoint[]> {
  const byKpi = new Map<string, RecentPoint[]>();
  for (const p of points) {
    const list = byKpi.get(p.kpi_id) ?? [];
    list.push({
      key: keyFromColumn(p.series_key), runId: p.run_id, at: new Date(p.started_at), status: p.status, value: p.value,
      baseline: p.baseline, deviationPercent: p.deviation_percent, outcome: p.outcome,
    });
    byKpi.set(p.kpi_id, list);
  }
  return byKpi;
}

/**
 * Every KPI (most urgent priority first, then by name) with the rows of its latest run (backfill
 * excluded): the history rows started when its run state says it last ran, found by the started_at
 * index, so the cost does not grow with the history.
 */
export async function kpiOverview(db: Queryable): Promise<KpiOverviewRow[]> {
  const { rows: kpis } = await db.query<KpiRow>(
    `SELECT k.id, k.indicator, k.owner, k.priority, k.active, r.last_run_at, r.last_status, r.last_error, r.next_run_at,
            (SELECT count(*)::int FROM alerts a WHERE a.kpi_id = k.id AND a.status <> 'resolved') AS open_alerts
       FROM kpis k LEFT JOIN kpi_runs r ON r.kpi_id = k.id
      ORDER BY k.priority, k.indicator`,
  );
  // Joined in SQL, not passed back from JavaScript: a Date would drop the microseconds of a time written elsewhere.
  const { rows: points } = await db.query<PointRow>(
    `SELECT ${POINT_COLUMNS}
       FROM kpi_runs r
       JOIN executions e ON e.started_at = r.last_run_at AND e.kpi_id = r.kpi_id AND e.trigger <> 'backfill'
      ORDER BY e.id DESC`,
  );
  const byKpi = groupPoints(points);
  return kpis.map((k) => ({
    id: k.id, indicator: k.indicator, owner: k.owner, priority: k.priority, active: k.active, lastRunAt: date(k.last_run_at),
    lastStatus: k.last_status, lastError: k.last_error, nextRunAt: date(k.next_run_at), openAlerts: k.open_alerts, recent: byKpi.get(k.id) ?? [],
  }));
}

/**
 * The latest `points` successful, non-backfill values of one series per KPI, newest first (the
 * sparklines), from the (kpi_id, series_key, window_end) index. `series`: KPI id → key (null = keyless).
 */
export async function seriesHistory(db: Queryable, series: ReadonlyMap<string, string | null>, points: number): Promise<Map<string, SparkPoint[]>> {
  if (series.size === 0) return new Map();
  // Times as epoch milliseconds: parsing thousands of timestamps costs more than the query.
  const { rows } = await db.query<{ kpi_id: string; at_ms: number; value: number | null }>(
    `SELECT s.kpi_id, (extract(epoch FROM e.started_at) * 1000)::float8 AS at_ms, e.value
       FROM unnest($1::text[], $2::text[]) AS s(kpi_id, series_key)
       CROSS JOIN LATERAL (
         SELECT x.started_at, x.value FROM executions x
          WHERE x.kpi_id = s.kpi_id AND x.series_key = s.series_key AND x.status = 'success' AND x.trigger <> 'backfill'
          ORDER BY x.window_end DESC LIMIT $3
       ) e`,
    [[...series.keys()], [...series.values()].map((k) => k ?? ''), points],
  );
  const byKpi = new Map<string, SparkPoint[]>();
  for (const r of rows) {
    const list = byKpi.get(r.kpi_id) ?? [];
    list.push({ at: new Date(r.at_ms), value: r.value });
    byKpi.set(r.kpi_id, list);
  }
  return byKpi;
}
