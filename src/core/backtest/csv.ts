/**
 * The backtest's file format. Input: a header `timestamp,value`, then one row per scheduled execution,
 * in time order (equal timestamps allowed: each row is one execution). Timestamps are
 * `YYYY-MM-DD HH:MM:SS` (no zone = UTC) or ISO 8601. Output: `timestamp,value,anomaly_score,…`, one line
 * per input row, the timestamp repeated as it was written.
 */

export interface BacktestRow {
  /** 1-based line in the file (the header is line 1). */
  readonly line: number;
  /** The timestamp exactly as written. */
  readonly timestamp: string;
  readonly at: Date;
  readonly value: number;
}

export class BacktestInputError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A timestamp: naive ones are UTC; an impossible date (Feb 30, hour 24) is null. */
export function parseTimestamp(text: string): Date | null {
  const m = NAIVE.exec(text);
  if (m !== null) {
    const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
    const ms = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
    const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const back = new Date(t);
    const valid = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
    return valid ? back : null;
  }
  if (!ZONED.test(text)) return null;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : new Date(t);
}

const unquote = (c: string): string => {
  const t = c.trim();
  return t.length >= 2 && t.charCodeAt(0) === 34 && t.charCodeAt(t.length - 1) === 34 ? t.slice(1, -1) : t;
};
// The hot loop of a large file: no regular expression per cell.
const splitLine = (line: string): string[] => line.split(',').map(unquote);

/** Parses the whole input; the first problem found stops it, naming its line. */
export function parseBacktestCsv(text: string): BacktestRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti === -1 || vi === -1) throw new BacktestInputError(1, `the header must name the columns timestamp and value (found: ${header.join(', ') || 'nothing'})`);
  const rows: BacktestRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const cells = splitLine(raw);
    const line = i + 1;
    const timestamp = cells[ti];
    const valueText = cells[vi];
    if (timestamp === undefined || valueText === undefined) throw new BacktestInputError(line, `expected ${header.length} columns, found ${cells.length}`);
    const at = parseTimestamp(timestamp);
    if (at === null) throw new BacktestInputError(line, `"${timestamp}" is not a timestamp (YYYY-MM-DD HH:MM:SS or ISO 8601)`);
    const value = valueText === '' ? NaN : Number(valueText);
    if (!Number.isFinite(value)) throw new BacktestInputError(line, `"${valueText}" is not a finite number`);
    const previous = rows[rows.length - 1];
    if (previous !== undefined && at < previous.at) throw new BacktestInputError(line, `${timestamp} is earlier than ${previous.timestamp} on line ${previous.line}: rows must be in time order`);
    rows.push({ line, timestamp, at, value });
  }
  return rows;
}

/** The schedule's period: the most common step between rows, in whole minutes (at least 1). */
export function commonStepMinutes(rows: readonly BacktestRow[]): number {
  const counts = new Map<number, number>();
  for (let i = 1; i < rows.length; i++) {
    const step = Math.round((rows[i]!.at.getTime() - rows[i - 1]!.at.getTime()) / 60_000);
    if (step > 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best = 1;
  let most = 0;
  for (const [step, n] of counts) if (n > most || (n === most && step < best)) [best, most] = [step, n];
  return best;
}

// Twelve significant digits; a whole number below 1e12 is already that (the common case, without toPrecision).
const cell = (v: number | string | null): string =>
  v === null ? '' : typeof v !== 'number' ? v : Number.isInteger(v) && Math.abs(v) < 1e12 ? String(v) : String(Number(v.toPrecision(12)));

export const OUTPUT_HEADER = 'timestamp,value,anomaly_score,baseline,band_low,band_high,outcome,alert_id';

export function outputLine(r: { timestamp: string; value: number; anomalyScore: 0 | 1; baseline: number | null; bandLow: number | null; bandHigh: number | null; outcome: string; alertId: string | null }): string {
  return [r.timestamp, cell(r.value), String(r.anomalyScore), cell(r.baseline), cell(r.bandLow), cell(r.bandHigh), r.outcome, cell(r.alertId)].join(',');
}
