import { describe, expect, it } from 'vitest';
import { countOpenings, dropLimit, hourMemoryShare, learn, NEW_MODEL, openingsFactor, parseModel, sigma, warmModel, type SeriesModel } from '../../src/core/detection/model.ts';

const teach = (errors: readonly number[], baseline = 100, model: SeriesModel = NEW_MODEL): SeriesModel =>
  errors.reduce((m, e) => learn(m, baseline + e, baseline, 9, false, 2016), model);

describe('the series model', () => {
  it('draws no band before three judged runs, then widens while it has seen few runs', () => {
    expect(sigma(teach([1, -1]), 100, 9)).toBeNull();
    const few = sigma(teach([2, -2, 2]), 1000, 9)!;
    const many = sigma(teach(Array.from({ length: 400 }, (_, i) => (i % 2 ? 2 : -2))), 1000, 9)!;
    expect(few).toBeGreaterThan(many * 1.5);
  });

  it('widens for errors with heavier tails than normal ones, at the same median error', () => {
    const normalish = teach(Array.from({ length: 600 }, (_, i) => [1, -1, 2, -2, 3, -0.5][i % 6]!), 100);
    const bursty = teach(Array.from({ length: 600 }, (_, i) => [1, -1, 2, -2, 30, -0.5][i % 6]!), 100);
    expect(Math.abs(normalish.scale - bursty.scale) / normalish.scale).toBeLessThan(0.35);
    expect(sigma(bursty, 100, 9)! / sigma(normalish, 100, 9)!).toBeGreaterThan(1.5);
  });

  it('calibrates its band on the series: one whose errors burst beyond the normal 99th percentile more often gets a wider band', () => {
    const gaussianish = teach(Array.from({ length: 3000 }, (_, i) => [1, -1, 2, -2, 0.5, -0.5, 1.5, -1.5][i % 8]!), 100);
    const bursty = teach(Array.from({ length: 3000 }, (_, i) => (i % 25 === 0 ? 40 : [1, -1, 2, -2, 0.5, -0.5, 1.5, -1.5][i % 8]!)), 100);
    expect(gaussianish.calibration).toBeLessThan(2.6);
    expect(bursty.calibration).toBeGreaterThan(gaussianish.calibration * 2);
    expect(sigma(bursty, 100, 9)! / sigma(gaussianish, 100, 9)!).toBeGreaterThan(2);
  });

  it('a series that opens more than two incidents a week gets a wider band, and narrows again as they stop', () => {
    const week = 7 * 288; // 5-minute runs
    let openings = 0;
    for (let i = 0; i < week; i++) openings = countOpenings(openings, 5, i % 144 === 0); // two a day
    expect(openings).toBeGreaterThan(8);
    expect(openingsFactor(openings)).toBeGreaterThan(2);
    const m = teach([2, -2, 1, -1, 3]);
    expect(sigma({ ...m, openings }, 100, 9)! / sigma(m, 100, 9)!).toBeCloseTo(openingsFactor(openings), 6);
    expect(openingsFactor(2)).toBe(1);
    for (let i = 0; i < 3 * week; i++) openings = countOpenings(openings, 5, false);
    expect(openingsFactor(openings)).toBe(1);
  });

  it('a series never below zero never has a band that reaches below a fall of 80 % (a count: unless Poisson noise alone reaches there)', () => {
    const count = teach([3, -2, 4, -1]);
    expect(dropLimit(count, 45, 3.5)).toBeCloseTo(36, 6);
    expect(dropLimit(count, 2.5, 3.5)).toBeCloseTo(3.5 * (Math.sqrt(2.5) + 0.5), 6);
    expect(dropLimit(teach([0.5, -0.25]), 2.5, 3.5)).toBeCloseTo(2, 6);
    expect(dropLimit(teach([0.5, -0.25, -101]), 45, 3.5)).toBeNull(); // it has been below zero
    expect(dropLimit(count, 0, 3.5)).toBeNull();
  });

  it('is robust: a few extreme errors among hundreds hardly move its scale', () => {
    const calm = teach(Array.from({ length: 300 }, (_, i) => (i % 2 ? 5 : -5)), 1000);
    const spiked = teach([900, -900, 1200, 800, 1000], 1000, calm);
    expect(spiked.scale / calm.scale).toBeLessThan(1.15);
  });

  it('counts (whole numbers only) are never narrower than Poisson noise; nothing is narrower than 1 % of the level', () => {
    const flatCount = teach(Array.from({ length: 100 }, () => 0), 3);
    expect(flatCount.integers).toBe(true);
    expect(sigma(flatCount, 3, 9)! / (1 + 2 / 10)).toBeCloseTo(Math.sqrt(3) + 0.5, 6);
    expect(sigma(flatCount, 0, 9)! / (1 + 2 / 10)).toBeCloseTo(1.5, 6);
    const flat = teach(Array.from({ length: 100 }, () => 0), 200.5);
    expect(flat.integers).toBe(false);
    expect(sigma(flat, 200.5, 9)! / (1 + 2 / 10)).toBeCloseTo(2.005, 6);
  });

  it('learns nothing about its errors from an anomalous run', () => {
    const m = teach([1, -1, 1, -1]);
    const after = learn(m, 5000, 100, 9, true, 2016);
    expect([after.points, after.scale]).toEqual([m.points, m.scale]);
  });

  it('a first model from backfilled values: their spread, counted as that many points', () => {
    expect(warmModel([100, 110])).toEqual(NEW_MODEL);
    expect(warmModel([100, 110, 90, 104])).toMatchObject({ points: 4, scale: 5, integers: true });
    expect(sigma(warmModel([100, 110, 90, 104]), 100, 9)).not.toBeNull();
  });

  it('a stored model read back: malformed parts fall back to the defaults', () => {
    const m = teach([3, -2, 4, -1]);
    expect(parseModel(JSON.parse(JSON.stringify(m)))).toEqual(m);
    expect(parseModel({ points: 'x', scale: -3, hourScale: [1], incident: { open: 'yes' } })).toEqual(NEW_MODEL);
    expect(parseModel(null)).toEqual(NEW_MODEL);
  });

  it('an hour\'s scale remembers a week of that hour: one hour-long deviation inside the band widens that hour\'s band by a few percent, not by a third', () => {
    // 5-minute runs (2016 a week, 12 of hour 9 a day), errors of about ±4.25 at every hour (not whole
    // numbers, so no Poisson floor).
    const day = (m: SeriesModel, hourError: (h: number) => number): SeriesModel => {
      for (let h = 0; h < 24; h++) for (let r = 0; r < 12; r++) m = learn(m, 100 + (r % 2 ? 1 : -1) * hourError(h), 100, h, false, 2016);
      return m;
    };
    let m: SeriesModel = NEW_MODEL;
    for (let d = 0; d < 14; d++) m = day(m, () => 4.25);
    const before = sigma(m, 100, 9)!;
    // A day whose hour 9 lies three times as far out (an undetected 20 % drop, say).
    const after = sigma(day(m, (h) => (h === 9 ? 12.75 : 4.25)), 100, 9)!;
    expect(after / before).toBeGreaterThan(1.03);
    expect(after / before).toBeLessThan(1.12);
    // A young series still learns at the full step: its second day's hour forgets most of its first.
    const young = day(day(NEW_MODEL, (h) => (h === 9 ? 20.25 : 4.25)), () => 4.25);
    expect(young.hourScale[9]! / m.hourScale[9]!).toBeLessThan(3.6);
    expect(hourMemoryShare(12, 84)).toBe(1);
    expect(hourMemoryShare(1680, 84)).toBeCloseTo(20 / 84, 9);
  });
});
