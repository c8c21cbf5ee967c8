// What the dashboard's grid shows for one KPI: a status word, the headline series and its recent values.

export const TILE_STATUSES = ['alerting', 'failing', 'breaching', 'ok', 'no_history', 'inactive'] as const;
/** Most urgent first: the order the grid sorts and filters by. */
export type TileStatus = (typeof TILE_STATUSES)[number];

/** One recorded value of a KPI's series (newest first when given as a list). */
export interface RecentPoint {
  readonly key: string | null;
  readonly runId: string;
  readonly at: Date;
  readonly status: string;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly deviationPercent: number | null;
  readonly outcome: string | null;
}

export interface TileInput {
  readonly active: boolean;
  readonly lastRunAt: Date | null;
  readonly lastStatus: string | null;
  readonly openAlerts: number;
  /** The KPI's latest history rows, newest first, backfill excluded: at least its latest run's. */
  readonly recent: readonly RecentPoint[];
}

/**
 * The latest run's series the tile shows: its first breaching one if any, else its first (the query's
 * first row; `recent` is newest first, so that is the run's last entry). Null before any run.
 */
export function headlineOf(recent: readonly RecentPoint[]): RecentPoint | null {
  const latestRun = recent[0]?.runId;
  const latest = recent.filter((p) => p.runId === latestRun).reverse();
  return latest.find((p) => p.outcome === 'breach') ?? latest[0] ?? null;
}

export interface Tile {
  readonly status: TileStatus;
  /** The series the tile shows: the latest run's breaching one if any, else its first. Null before any run. */
  readonly headline: RecentPoint | null;
  /** The headline series' values, oldest first (for a sparkline). */
  readonly sparkline: { readonly at: Date; readonly value: number | null }[];
}

/** One value of a sparkline. */
export interface SparkPoint {
  readonly at: Date;
  readonly value: number | null;
}

/**
 * Decides a tile: inactive beats everything (nobody is watching it), then an open or acknowledged alert,
 * then a failing last run, then a breach without an alert yet (pending or in cool-down), then ok.
 * `history`: the headline series' successful values, newest first, when the caller fetched them (a KPI
 * with many series has few rows of each in `recent`); otherwise they are taken from `recent`.
 */
export function decideTile(input: TileInput, sparklinePoints = 30, history?: readonly SparkPoint[]): Tile {
  const headline = headlineOf(input.recent);
  const values = history ?? (headline === null ? [] : input.recent.filter((p) => p.key === headline.key && p.status === 'success'));
  const sparkline = headline === null ? [] : values.slice(0, sparklinePoints).reverse().map((p) => ({ at: p.at, value: p.value }));
  return { status: statusOf(input, headline), headline, sparkline };
}

function statusOf(input: TileInput, headline: RecentPoint | null): TileStatus {
  if (!input.active) return 'inactive';
  if (input.openAlerts > 0) return 'alerting';
  if (input.lastRunAt === null) return 'no_history';
  if (input.lastStatus !== null && input.lastStatus !== 'success') return 'failing';
  if (headline?.outcome === 'breach') return 'breaching';
  return 'ok';
}
