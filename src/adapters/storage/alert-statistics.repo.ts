import type { AlertFilter, AlertStatistics } from '../../core/alerts/alert-ports.ts';
import type { Queryable } from './db.ts';
import { Where } from './paging.ts';

const whereOf = (f: Pick<AlertFilter, 'kpiId' | 'from' | 'to'>): Where => {
  const where = new Where();
  if (f.kpiId !== undefined) where.add((p) => `kpi_id = ${p}`, f.kpiId);
  if (f.from !== undefined) where.add((p) => `opened_at >= ${p}`, f.from);
  if (f.to !== undefined) where.add((p) => `opened_at < ${p}`, f.to);
  return where;
};

const countsBy = async (db: Queryable, column: 'status' | 'severity', w: Where): Promise<Record<string, number>> => {
  const { rows } = await db.query<{ k: string; n: number }>(`SELECT ${column} AS k, count(*)::int AS n FROM alerts ${w.sql} GROUP BY 1`, w.params);
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
};

/** Counts by status, severity, KPI and day (UTC) and the mean times to acknowledge and resolve, in seconds. */
export async function alertStatistics(db: Queryable, f: Pick<AlertFilter, 'kpiId' | 'from' | 'to'>): Promise<AlertStatistics> {
  const w = whereOf(f);
  const byStatus = await countsBy(db, 'status', w);
  const bySeverity = await countsBy(db, 'severity', w);
  const byKpi = await db.query<{ kpi_id: string; indicator: string; n: number }>(
    `SELECT kpi_id, max(indicator) AS indicator, count(*)::int AS n FROM alerts ${w.sql} GROUP BY kpi_id ORDER BY n DESC, kpi_id LIMIT 100`, w.params);
  const byDay = await db.query<{ day: string; n: number }>(
    `SELECT to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n FROM alerts ${w.sql} GROUP BY 1 ORDER BY 1`, w.params);
  const means = await db.query<{ ack: number | null; res: number | null; total: number }>(
    `SELECT avg(extract(epoch FROM acknowledged_at - opened_at))::float8 AS ack,
            avg(extract(epoch FROM resolved_at - opened_at))::float8 AS res, count(*)::int AS total FROM alerts ${w.sql}`, w.params);
  const m = means.rows[0]!;
  return {
    total: m.total, byStatus, bySeverity,
    byKpi: byKpi.rows.map((r) => ({ kpiId: r.kpi_id, indicator: r.indicator, count: r.n })),
    byDay: byDay.rows.map((r) => ({ day: r.day, count: r.n })),
    meanSecondsToAcknowledge: m.ack === null ? null : Math.round(m.ack),
    meanSecondsToResolve: m.res === null ? null : Math.round(m.res),
  };
}
