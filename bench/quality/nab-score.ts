/**
 * The NAB scorer, written from the specification in ../shared/datasets/nab/README.md (Lavin & Ahmad
 * 2015): probation, windows, the scaled sigmoid, the three cost profiles and the normalisation.
 * Pure: rows, windows and alert rows in, scores out. Our detector's anomaly score is 0 or 1 (1 on the
 * row where an alert opens), so the only threshold that alerts at all is 1: no threshold is tuned.
 */

export interface Profile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

export const PROFILES: Readonly<Record<'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate', Profile>> = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP_rate: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN_rate: { tp: 1, fp: 0.11, fn: 2 },
};

/** NAB's scaled sigmoid: 2/(1+e^(5y)) − 1, and −1 beyond y = 3. */
export const scaledSigmoid = (y: number): number => (y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1);

export interface ScoredFile {
  /** Row times (ms), in file order. */
  readonly times: readonly number[];
  /** Windows as [first row, last row] (inclusive), in time order. */
  readonly windows: readonly (readonly [number, number])[];
  /** Rows whose anomaly score is 1. */
  readonly alerts: ReadonlySet<number>;
  /** Labelled moments (ms), for the delays. */
  readonly labels: readonly number[];
}

export interface FileScore {
  readonly raw: number;
  readonly windows: number;
  readonly detected: number;
  /** Alert rows after probation and outside every window. */
  readonly falseAlerts: number;
  /** Weeks of scored (post-probation) data. */
  readonly weeks: number;
  /** Hours from each labelled moment to the first alert in its window (negative = before it); null = missed. */
  readonly delaysHours: readonly (number | null)[];
}

export const probationRows = (n: number): number => Math.min(Math.floor(0.15 * n), 750);

export function scoreFile(f: ScoredFile, p: Profile): FileScore {
  const n = f.times.length;
  const probation = probationRows(n);
  const windowOf = new Int32Array(n).fill(-1);
  f.windows.forEach(([a, b], k) => { for (let i = a; i <= b; i++) windowOf[i] = k; });
  const detectedAt = new Array<number | null>(f.windows.length).fill(null);
  const maxTp = scaledSigmoid(-1);
  let raw = 0;
  let falseAlerts = 0;
  let lastWindow: readonly [number, number] | null = null;
  for (let i = 0; i < n; i++) {
    const k = windowOf[i]!;
    if (k >= 0) lastWindow = f.windows[k]!;
    if (i < probation || !f.alerts.has(i)) continue;
    if (k >= 0) {
      if (detectedAt[k] !== null) continue; // only the earliest alert in a window counts
      const [a, b] = f.windows[k]!;
      raw += (p.tp * scaledSigmoid(-(b - i + 1) / (b - a + 1))) / maxTp;
      detectedAt[k] = i;
    } else {
      falseAlerts++;
      raw += lastWindow === null ? -p.fp : p.fp * scaledSigmoid(Math.abs(lastWindow[1] - i) / (lastWindow[1] - lastWindow[0]));
    }
  }
  raw -= p.fn * detectedAt.filter((d) => d === null).length;
  const delaysHours = f.labels.map((label) => {
    const row = f.times.findIndex((t) => t >= label);
    const k = row === -1 ? -1 : windowOf[row]!;
    const first = k === -1 ? null : detectedAt[k]!;
    return first === null ? null : (f.times[first]! - f.times[row]!) / 3_600_000;
  });
  const weeks = n > probation ? (f.times[n - 1]! - f.times[probation]!) / (7 * 86_400_000) : 0;
  return { raw, windows: f.windows.length, detected: detectedAt.filter((d) => d !== null).length, falseAlerts, weeks, delaysHours };
}

/** 100 × (raw − null) / (perfect − null) over a set of files: null = no alerts (−A_FN per window), perfect = A_TP per window. */
export function nabScore(scores: readonly FileScore[], p: Profile): number {
  const raw = scores.reduce((a, s) => a + s.raw, 0);
  const k = scores.reduce((a, s) => a + s.windows, 0);
  return k === 0 ? 0 : (100 * (raw + p.fn * k)) / ((p.tp + p.fn) * k);
}
