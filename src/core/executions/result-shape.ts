/**
 * The query contract's three result shapes, turned into series (key → value):
 *  (a) one row with a numeric `value` column, optionally `historical` (a baseline the query computed);
 *  (b) rows with `key` and `value`: one series per key;
 *  (c) the original's `ItemName, Total, Successful` rows: success rate in % per item, plus the overall
 *      rate under the key `*`.
 * Column names match case-insensitively. Anything else is an error naming the columns found.
 */

export interface RawSeries {
  readonly key: string | null;
  readonly value: number;
  /** From a `historical` column; it takes precedence over the KPI's own history. */
  readonly historical: number | null;
}

export type Normalised =
  | { readonly ok: true; readonly series: RawSeries[] }
  | { readonly ok: false; readonly error: string };

/** The key of the overall success rate in shape (c). */
export const OVERALL_KEY = '*';

type Row = Record<string, unknown>;

/** A number from a driver value: numbers, bigints, numeric strings ("12.50"); null when it is none. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (v !== null && typeof v === 'object' && 'toString' in v && !(v instanceof Date)) return toNumber(String(v)); // decimal types
  return null;
}

function lowerKeys(row: Row): Map<string, unknown> {
  return new Map(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
}

const fail = (error: string): Normalised => ({ ok: false, error });

function numberIn(row: Map<string, unknown>, column: string, at: number): number | string {
  const v = row.get(column);
  const n = toNumber(v);
  return n === null ? `row ${at + 1}: ${column} is not a number (${JSON.stringify(v) ?? String(v)})` : n;
}

function singleValue(rows: Map<string, unknown>[]): Normalised {
  if (rows.length !== 1) return fail(`a value without a key column needs exactly one row, got ${rows.length}`);
  const row = rows[0]!;
  const value = numberIn(row, 'value', 0);
  if (typeof value === 'string') return fail(value);
  let historical: number | null = null;
  if (row.has('historical') && row.get('historical') !== null) {
    const h = numberIn(row, 'historical', 0);
    if (typeof h === 'string') return fail(h);
    historical = h;
  }
  return { ok: true, series: [{ key: null, value, historical }] };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A series key as text that the store can keep: bytes (binary columns) must be UTF-8, and no NUL
 * character or lone surrogate, which PostgreSQL cannot store; else the reason.
 */
export function keyText(key: unknown, column: string, at: number): string | { error: string } {
  let k: string;
  if (key instanceof Uint8Array) {
    try {
      k = new TextDecoder('utf-8', { fatal: true }).decode(key);
    } catch {
      return { error: `row ${at + 1}: ${column} is not valid UTF-8 text` };
    }
  } else k = key instanceof Date ? key.toISOString() : String(key);
  if (k.includes('\u0000')) return { error: `row ${at + 1}: ${column} contains a NUL character, which cannot be stored` };
  if (LONE_SURROGATE.test(k)) return { error: `row ${at + 1}: ${column} is not valid UTF-8 text` };
  return k;
}

function keyedValues(rows: Map<string, unknown>[]): Normalised {
  const series: RawSeries[] = [];
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const key = row.get('key');
    if (key === null || key === undefined) return fail(`row ${i + 1}: key is null`);
    const k = keyText(key, 'key', i);
    if (typeof k !== 'string') return fail(k.error);
    if (seen.has(k)) return fail(`key ${k} appears more than once`);
    seen.add(k);
    const value = numberIn(row, 'value', i);
    if (typeof value === 'string') return fail(value);
    const h = row.has('historical') && row.get('historical') !== null ? numberIn(row, 'historical', i) : null;
    if (typeof h === 'string') return fail(h);
    series.push({ key: k, value, historical: h });
  }
  return { ok: true, series };
}

const rate = (successful: number, total: number): number => (total === 0 ? 0 : (successful / total) * 100);

function successRates(rows: Map<string, unknown>[]): Normalised {
  if (rows.length === 0) return { ok: true, series: [] };
  const series: RawSeries[] = [];
  let total = 0;
  let successful = 0;
  for (const [i, row] of rows.entries()) {
    const t = numberIn(row, 'total', i);
    const s = numberIn(row, 'successful', i);
    if (typeof t === 'string') return fail(t);
    if (typeof s === 'string') return fail(s);
    total += t;
    successful += s;
    const k = keyText(row.get('itemname'), 'ItemName', i);
    if (typeof k !== 'string') return fail(k.error);
    series.push({ key: k, value: rate(s, t), historical: null });
  }
  series.push({ key: OVERALL_KEY, value: rate(successful, total), historical: null });
  return { ok: true, series };
}

/**
 * Recognises the shape from the columns. No rows at all is a valid, empty result (the caller records
 * `no_rows`); `columns` are the names the driver reported, for the error message.
 */
export function normaliseRows(rows: readonly Row[], columns: readonly string[]): Normalised {
  const names = new Set((columns.length > 0 ? columns : Object.keys(rows[0] ?? {})).map((c) => c.toLowerCase()));
  const found = `found columns: ${columns.length > 0 ? columns.join(', ') : '(none)'}`;
  const lowered = rows.map(lowerKeys);
  if (names.has('itemname') && names.has('total') && names.has('successful')) return successRates(lowered);
  if (names.has('value') && names.has('key')) return keyedValues(lowered);
  if (names.has('value')) return rows.length === 0 ? { ok: true, series: [] } : singleValue(lowered);
  return fail(`the result has no column value (or key, value / ItemName, Total, Successful); ${found}`);
}

/** Past `maxSeries` (MAX_SERIES, default 1000) series a run fails, saying so. */
export function limitSeries(n: Normalised, maxSeries = 1_000): Normalised {
  if (!n.ok || n.series.length <= maxSeries) return n;
  return fail(`the result has ${n.series.length} series, more than the ${maxSeries} a run may have (MAX_SERIES)`);
}
