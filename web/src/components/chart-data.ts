import type { ExecutionRecord } from '../api/types.ts';

/** Columns for uPlot, oldest first: time (s), value, baseline, band low, band high (null = unbounded or not judged). */
export type ChartColumns = [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]];

/** A series' successful runs with the band each was judged against, as recorded (not today's setting). */
export function chartData(rows: readonly ExecutionRecord[]): ChartColumns {
  const sorted = [...rows].filter((r) => r.status === 'success').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  return [
    sorted.map((r) => new Date(r.startedAt).getTime() / 1000),
    sorted.map((r) => r.value),
    sorted.map((r) => r.baseline),
    sorted.map((r) => r.band?.low ?? null),
    sorted.map((r) => r.band?.high ?? null),
  ];
}

/** Maximal stretches [first, last] of consecutive indices where `present` holds: what gets drawn as one piece. */
export function spans(length: number, present: (i: number) => boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < length; i++) {
    if (!present(i)) continue;
    if (out.length > 0 && out.at(-1)![1] === i - 1) out.at(-1)![1] = i;
    else out.push([i, i]);
  }
  return out;
}
