/**
 * The contract between `bench/run.ts` and the benchmarks: every `bench/*.bench.ts` default-exports a
 * Benchmark. A row compares a measurement with a baseline measured in the same run (ratio =
 * measured / baseline, so higher is better for rates) or stands alone (lags, sizes).
 */
export interface BenchRow {
  readonly case: string;
  readonly measured: number;
  readonly unit: string;
  /** The same work done the plain way (the raw driver ...), in the same unit, in the same run. */
  readonly baseline?: number | undefined;
  readonly note?: string | undefined;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  run(log: (message: string) => void): Promise<BenchRow[]>;
}

export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
