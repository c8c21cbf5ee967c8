/**
 * The demo's payment traffic: deposits and withdrawals with a daily and weekly rhythm, drawn from a
 * seeded random generator per minute, so that any minute always has the same events — the history
 * written at first start and the rows appended live are one consistent process, and a restart never
 * writes a minute twice differently.
 */

export type TransactionType = 'deposit' | 'withdrawal';

export interface DemoTransaction {
  readonly type: TransactionType;
  readonly amount: number;
  readonly country: string;
  readonly done: boolean;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** An outage: deposits fall to a trickle and most of them fail, between `from` and `until` (ms). */
export interface Outage {
  readonly from: number;
  readonly until: number;
}

/** Peak rates per minute (weekday afternoon); the rhythm scales them down to about a fifth at night on Sunday. */
export const PEAK_PER_MINUTE: Record<TransactionType, number> = { deposit: 30, withdrawal: 6 };
const SUCCESS: Record<TransactionType, number> = { deposit: 0.97, withdrawal: 0.97 };
export const COUNTRIES: readonly (readonly [string, number])[] = [['DE', 0.35], ['FR', 0.2], ['GB', 0.2], ['ES', 0.15], ['IT', 0.1]];
const OUTAGE_RATE_FACTOR = 0.05;
const OUTAGE_SUCCESS = 0.2;
const MINUTE = 60_000;

/** 0.3 at 04:00 UTC rising to 1.0 at 16:00 UTC. */
export function dailyShape(at: number): number {
  const hour = (at % 86_400_000) / 3_600_000;
  return 0.3 + 0.7 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24));
}

/** Weekdays 1.0, Saturday 0.75, Sunday 0.65. */
export function weeklyShape(at: number): number {
  const day = new Date(at).getUTCDay();
  return day === 6 ? 0.75 : day === 0 ? 0.65 : 1;
}

export const expectedPerMinute = (type: TransactionType, at: number): number =>
  PEAK_PER_MINUTE[type] * dailyShape(at) * weeklyShape(at);

/** mulberry32: small, fast and good enough for demo traffic. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Knuth's method; fine for the small rates used here. */
function poisson(lambda: number, random: () => number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

function pickCountry(random: () => number): string {
  let r = random();
  for (const [country, weight] of COUNTRIES) {
    if ((r -= weight) < 0) return country;
  }
  return COUNTRIES[0]![0];
}

const inOutage = (at: number, outages: readonly Outage[]): boolean => outages.some((o) => at >= o.from && at < o.until);

/** Every transaction of the minute that starts at `minuteStart` (ms, a multiple of 60,000), in time order. */
export function transactionsOfMinute(minuteStart: number, outages: readonly Outage[] = []): DemoTransaction[] {
  const out: DemoTransaction[] = [];
  (['deposit', 'withdrawal'] as const).forEach((type, typeIndex) => {
    const random = seeded(Math.floor(minuteStart / MINUTE) * 2 + typeIndex);
    const outage = type === 'deposit' && inOutage(minuteStart, outages);
    const count = poisson(expectedPerMinute(type, minuteStart) * (outage ? OUTAGE_RATE_FACTOR : 1), random);
    for (let i = 0; i < count; i++) {
      out.push({
        type,
        at: minuteStart + Math.floor(random() * MINUTE),
        country: pickCountry(random),
        amount: Math.round((20 + random() * random() * 980) * 100) / 100,
        done: random() < (outage ? OUTAGE_SUCCESS : SUCCESS[type]),
      });
    }
  });
  return out.sort((a, b) => a.at - b.at);
}
