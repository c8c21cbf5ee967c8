/** Small robust statistics the detector builds on. All pure; no allocation beyond a sort copy. */

/** The median of a short list (an insertion sort of a copy: the lists here have a dozen values). */
export function median(values: readonly number[]): number {
  const s = values.slice();
  for (let i = 1; i < s.length; i++) {
    const v = s[i]!;
    let j = i - 1;
    while (j >= 0 && s[j]! > v) {
      s[j + 1] = s[j]!;
      j--;
    }
    s[j + 1] = v;
  }
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** 1.4826 × MAD = the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * One step of a running median of non-negative numbers (of absolute errors): the mean of the first
 * ten, then a multiplicative step towards the new value. Each point moves it by at most ±2.5 %,
 * whatever its size, so a few extreme points cannot move the estimate: that is what makes it robust.
 */
export function runningMedianStep(current: number, seen: number, value: number, rate = 0.05): number {
  return runningQuantileStep(current, seen, value, 0.5, rate);
}

/**
 * The same for another quantile `tau` (0.9 = the 90th percentile): a step up of 5 % × tau when the
 * value lies above, down 5 % × (1 − tau) otherwise, which settles where a share 1 − tau lies above.
 * `rate` (5 % by default) is smaller for a run that is only part of an independent observation.
 */
export function runningQuantileStep(current: number, seen: number, value: number, tau: number, rate = 0.05): number {
  if (seen < 10) return (current * seen + value) / (seen + 1);
  if (current <= 0) return value;
  return current * Math.exp(rate * ((value > current ? 1 : 0) - (1 - tau)));
}
