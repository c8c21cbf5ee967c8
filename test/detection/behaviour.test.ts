import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../src/core/alerts/judgement.ts';
import type { BacktestRow } from '../../src/core/backtest/csv.ts';
import { backtestKpi, runBacktest } from '../../src/core/backtest/run-backtest.ts';
import type { KpiInput } from '../../src/core/kpis/kpi.ts';

/** Series as a KPI would see them, run through the default rule of a new KPI (the same engine as the scheduler). */
const START = Date.parse('2026-03-02T00:00:00Z'); // a Monday
const STEP = 5 * 60_000;

function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
function poisson(mean: number, r: () => number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r())));
  let k = 0;
  let p = 1;
  const l = Math.exp(-mean);
  do { k++; p *= r(); } while (p > l);
  return k - 1;
}
/** Payments-like counts per 5 minutes: a daily cycle (×0.3 at night) and quieter weekends. */
const rhythm = (t: number) => {
  const hour = (t % 86_400_000) / 3_600_000;
  const day = new Date(t).getUTCDay();
  return (0.3 + 0.7 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24))) * (day === 0 ? 0.65 : day === 6 ? 0.75 : 1);
};
function series(days: number, value: (t: number, r: () => number) => number, seed = 7): BacktestRow[] {
  const r = seeded(seed);
  return Array.from({ length: (days * 86_400_000) / STEP }, (_, i) => {
    const at = new Date(START + i * STEP);
    return { line: i + 2, timestamp: at.toISOString(), at, value: value(at.getTime(), r) };
  });
}
const backtest = (rows: BacktestRow[], rule: KpiInput = {}) => runBacktest(rows, backtestKpi(rule, 5, new Date(START)), DEFAULT_ALERT_POLICY);
const rowAt = (iso: string) => (Date.parse(iso) - START) / STEP;

describe('the default rule on business-like series', () => {
  it('given four weeks of noisy seasonal counts without incident, then it judges from the first hour and opens no alert', () => {
    const r = backtest(series(28, (t, rnd) => poisson(150 * rhythm(t), rnd)));
    expect(r.points.slice(6).every((p) => p.series.outcome.kind !== 'no_judgement')).toBe(true);
    expect(r.alerts).toEqual([]);
  });

  it('given a 60 % drop for two hours in the third week, then exactly one alert, opened within two runs, resolved after the drop ends', () => {
    const from = Date.parse('2026-03-18T14:00:00Z');
    const until = from + 2 * 3_600_000;
    const r = backtest(series(28, (t, rnd) => poisson(150 * rhythm(t) * (t >= from && t < until ? 0.4 : 1), rnd)));
    expect(r.alerts).toHaveLength(1);
    const [alert] = r.alerts;
    expect(alert!.openedAt.getTime() - from).toBeLessThanOrEqual(STEP);
    expect(alert!.resolvedAt!.getTime()).toBeGreaterThan(until);
    expect(alert!.why).toBe('band drop');
    // The drop stayed out of the baselines: the same time a week later is judged against normal values.
    const nextWeek = r.points[rowAt('2026-03-25T15:00:00Z')]!.series;
    expect(nextWeek.baseline! / (150 * rhythm(Date.parse('2026-03-25T15:00:00Z')))).toBeGreaterThan(0.85);
  });

  it('given a series without any variability, then tiny differences open nothing; a real jump does', () => {
    expect(backtest(series(3, (t) => (t % (7 * STEP) === 0 ? 100.4 : 100))).alerts).toEqual([]);
    const jump = Date.parse('2026-03-04T12:00:00Z');
    expect(backtest(series(3, (t) => (t >= jump && t < jump + 3_600_000 ? 150 : 100))).alerts).toHaveLength(1);
  });

  it('given small counts (0 to 4 per run, zero baselines often), then no alert on their noise; a sustained burst opens one', () => {
    expect(backtest(series(14, (_t, rnd) => poisson(1, rnd), 3)).alerts).toEqual([]);
    const burst = Date.parse('2026-03-10T10:00:00Z');
    const r = backtest(series(14, (t, rnd) => (t >= burst && t < burst + 3_600_000 ? 12 + poisson(3, rnd) : poisson(1, rnd)), 3));
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]!.openedAt.getTime() - burst).toBeLessThanOrEqual(STEP);
  });

  it('given a lasting level change, then one alert, and the band follows after a day so that it resolves', () => {
    const change = Date.parse('2026-03-09T12:00:00Z');
    const r = backtest(series(21, (t, rnd) => poisson(150 * rhythm(t) * (t >= change ? 2 : 1), rnd)));
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]!.resolvedAt).not.toBeNull();
  });

  it('given a series only two days old with a daily cycle, then a drop of 80 % or more at any hour of its second day opens an alert within 10 minutes', () => {
    for (const drop of [0.8, 1]) {
      for (const hour of [3, 9, 14, 20]) {
        const from = START + 86_400_000 + hour * 3_600_000;
        const r = backtest(series(2, (t, rnd) => (50 + 30 * Math.sin((2 * Math.PI * ((t % 86_400_000) / 3_600_000)) / 24) + (rnd() - 0.5) * 6) * (t >= from && t < from + 3_600_000 ? 1 - drop : 1), 11));
        const alert = r.alerts.find((a) => a.openedAt.getTime() >= from && a.openedAt.getTime() < from + 3_600_000);
        expect(alert, `${drop * 100} % at ${hour}:00`).toBeDefined();
        expect(alert!.openedAt.getTime() - from).toBeLessThanOrEqual(2 * STEP);
      }
    }
  });

  it('given a percentage rule of its own instead of the band, then it is judged against the same seasonal baseline', () => {
    const from = Date.parse('2026-03-18T14:00:00Z');
    const r = backtest(series(28, (t, rnd) => poisson(150 * rhythm(t) * (t >= from && t < from + 3_600_000 ? 0.4 : 1), rnd)), { sensitivity: null, deviationPercent: 40, direction: 'drop' });
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]!.why).toBe('deviation drop');
  });
});
