import { NO_INCIDENT, type IncidentState } from './incident.ts';
import { MAD_TO_SIGMA, median, runningMedianStep, runningQuantileStep } from './stats.ts';

/**
 * What the detector keeps per series between runs: the robust size of its usual errors (overall and
 * per hour of the day, since a series is often noisier at its busy hours), its usual magnitude, whether
 * it counts things (only whole numbers so far), and the incident in progress. A few dozen numbers,
 * stored as one JSON value per series.
 */
export interface SeriesModel {
  /** Judged runs that taught it (anomalies do not). */
  readonly points: number;
  /** Running median of |value − baseline|. */
  readonly scale: number;
  /** Running 90th percentile of |value − baseline|: with the median, how heavy the tails are. */
  readonly tail: number;
  readonly hourScale: readonly number[];
  readonly hourPoints: readonly number[];
  /** Running mean of |value|: the series' size, for the floor of a band that would otherwise be 0. */
  readonly magnitude: number;
  /** Every value so far a whole number: a count, whose noise is at least that of a Poisson count. */
  readonly integers: boolean;
  /** Every value so far at least 0: a count, an amount or a price, whose total loss is 0. */
  readonly nonNegative: boolean;
  /**
   * Running 99th percentile of |value − baseline| / σ over the runs judged outside an incident (the
   * run that opens one included): how far the band's σ understates this series' real tail. A normal
   * distribution has 2.576; a bursty series more, and its band widens by the ratio.
   */
  readonly calibration: number;
  /**
   * Incidents opened, counted with a memory of a week (each decays by e over a week): about how many a
   * week this series opens. One that opens more than OPENINGS_PER_WEEK widens its band (openingsFactor).
   */
  readonly openings: number;
  /** When the series was first judged on a weekly season (ms; references.ts predict). */
  readonly weeklyFrom: number | null;
  /** When the current regime began: the opening of an incident that lasted a day and became the new normal (ms). */
  readonly regimeSince: number | null;
  readonly incident: IncidentState;
}

/** The 99th percentile of |N(0,1)|. */
const GAUSSIAN_Q99 = 2.576;

export const NEW_MODEL: SeriesModel = {
  points: 0, scale: 0, tail: 0, hourScale: new Array<number>(24).fill(0), hourPoints: new Array<number>(24).fill(0),
  magnitude: 0, integers: true, nonNegative: true, calibration: GAUSSIAN_Q99, openings: 0, weeklyFrom: null, regimeSince: null, incident: NO_INCIDENT,
};

/** Judged runs needed before a band is drawn at all. */
export const MIN_MODEL_POINTS = 3;
/** Runs an hour of the day needs before its own scale replaces the overall one. */
const MIN_HOUR_POINTS = 10;
/** q90/q50 of |N(0,1)|. */
const GAUSSIAN_TAIL_RATIO = 1.6449 / 0.6745;

/**
 * The band's half-width unit (one robust standard deviation) for a baseline at an hour, or null while
 * the model has seen too little: the running median error as a standard deviation (× 1.4826), wider
 * for a series whose errors have heavier tails than a normal distribution's (by √(ratio of its 90th
 * percentile to its median error, over the normal's ratio)), and wider while the model has few runs.
 * Never below a floor: for counts, Poisson noise with the usual continuity correction
 * (√max(baseline, 1) + 0.5, so a count of 0–3 does not breach on 5), and 1 % of the baseline and of
 * the series' magnitude, so that a series without any variability does not page on tiny differences.
 * Then calibrated (the running 99th percentile of its standardised errors over the normal one's) and
 * widened for a series that opens more incidents than its budget (openingsFactor); never narrowed.
 */
export function sigma(model: SeriesModel, baseline: number, hour: number): number | null {
  const raw = uncalibrated(model, baseline, hour);
  return raw === null ? null : raw * Math.max(1, model.calibration / GAUSSIAN_Q99) * openingsFactor(model.openings);
}

/**
 * For a series never below zero (a count, an amount, a price) with a baseline above zero: how far below
 * its baseline the band may reach at most, for a band `k` standard deviations wide. A fall of more than
 * 80 % lies outside the band (for a count: unless Poisson noise alone, k × its floor, could take it
 * there), however wide its errors made the band: a total loss is never inside it. Null for other
 * series (no limit).
 */
export function dropLimit(model: SeriesModel, baseline: number, k: number): number | null {
  if (!model.nonNegative || baseline <= 0) return null;
  return Math.max(0.8 * baseline, model.integers ? k * (Math.sqrt(baseline) + 0.5) : 0);
}

/** Incidents a week a series may open before its band widens: a pager that fires more often is ignored. */
const OPENINGS_PER_WEEK = 2;
const WEEK_MINUTES = 7 * 1440;
/** √(openings a week / 2), at least 1: a series that opens four times as many gets a band twice as wide. */
export const openingsFactor = (openings: number): number => Math.max(1, Math.sqrt(openings / OPENINGS_PER_WEEK));
/** The count after one run of `periodMinutes`, with an opening or not. */
export const countOpenings = (openings: number, periodMinutes: number, opened: boolean): number =>
  openings * Math.exp(-periodMinutes / WEEK_MINUTES) + (opened ? 1 : 0);

function uncalibrated(model: SeriesModel, baseline: number, hour: number): number | null {
  if (model.points < MIN_MODEL_POINTS) return null;
  const typical = model.hourPoints[hour]! >= MIN_HOUR_POINTS ? model.hourScale[hour]! : model.scale;
  const heavy = model.scale > 0 ? Math.sqrt(Math.max(1, model.tail / model.scale / GAUSSIAN_TAIL_RATIO)) : 1;
  const floor = Math.max(model.integers ? Math.sqrt(Math.max(Math.abs(baseline), 1)) + 0.5 : 0, Math.abs(baseline) * 0.01, model.magnitude * 0.01, 1e-9);
  return Math.max(typical * MAD_TO_SIGMA * heavy, floor) * (1 + 2 / Math.sqrt(model.points));
}

/**
 * What a judged run teaches the model. Every value moves the magnitude and the "counts" flag; only a
 * normal run (not anomalous) with a baseline moves the error scales.
 * `pointsPerWeek` sets the memory of the magnitude (about a week). `weight` is how much of an
 * independent observation the run is (period / window): runs of overlapping windows move the scales
 * by that share each, so the scales' memory is one of time, not of runs.
 */
export function learn(model: SeriesModel, value: number, baseline: number | null, hour: number, anomalous: boolean, pointsPerWeek: number, calibrate = !anomalous, weight = 1): SeriesModel {
  const rate = 0.05 * weight;
  const raw = calibrate && baseline !== null ? uncalibrated(model, baseline, hour) : null;
  const calibration = raw === null ? model.calibration : model.calibration * Math.exp(rate * ((Math.abs(value - baseline!) / raw > model.calibration ? 1 : 0) - 0.01));
  const alpha = 1 / Math.max(1, pointsPerWeek);
  const magnitude = model.points === 0 && model.magnitude === 0 ? Math.abs(value) : model.magnitude + alpha * (Math.abs(value) - model.magnitude);
  const integers = model.integers && Number.isInteger(value);
  const nonNegative = model.nonNegative && value >= 0;
  // Literals with one property order, not spreads: this runs for every judged value, and one shape
  // keeps it fast (the backtest judges tens of thousands a second).
  if (anomalous || baseline === null) {
    return { points: model.points, scale: model.scale, tail: model.tail, hourScale: model.hourScale, hourPoints: model.hourPoints, magnitude, integers, nonNegative, calibration, openings: model.openings, weeklyFrom: model.weeklyFrom, regimeSince: model.regimeSince, incident: model.incident };
  }
  const error = Math.abs(value - baseline);
  const hourScale = model.hourScale.slice();
  const hourPoints = model.hourPoints.slice();
  hourScale[hour] = runningMedianStep(hourScale[hour]!, hourPoints[hour]!, error, rate * hourMemoryShare(hourPoints[hour]! * weight, (pointsPerWeek * weight) / 24));
  hourPoints[hour] = hourPoints[hour]! + 1;
  return { points: model.points + 1, scale: runningMedianStep(model.scale, model.points, error, rate), tail: runningQuantileStep(model.tail, model.points, error, 0.9, rate), hourScale, hourPoints, magnitude, integers, nonNegative, calibration, openings: model.openings, weeklyFrom: model.weeklyFrom, regimeSince: model.regimeSince, incident: model.incident };
}

/** The observations the running scales remember: 1 / their 5 % step. */
const RATE_MEMORY = 20;

/**
 * How much of the scales' step an hour's scale takes (1 = all of it): it remembers all it has seen of
 * that hour, up to a week of it (`seen`, `perWeek`: observations of that hour), and at least what the
 * overall scale remembers. An hour's noise is a property of the time of day, like the weekly season;
 * with a memory of only a day or two of that hour, one hour-long deviation that stayed inside the band
 * (a 20 % drop, say) is most of what it remembers and widens that hour's band for the next incident.
 * A young series still learns at the full step, so its first day's errors are soon forgotten.
 */
export const hourMemoryShare = (seen: number, perWeek: number): number => RATE_MEMORY / Math.max(RATE_MEMORY, Math.min(seen, perWeek));

const finite = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const hours = (v: unknown): number[] => (Array.isArray(v) && v.length === 24 ? v.map((x) => Math.max(0, finite(x, 0))) : new Array<number>(24).fill(0));

/** A stored model read back; anything malformed falls back to the defaults (a model only widens then). */
export function parseModel(json: unknown): SeriesModel {
  if (json === null || typeof json !== 'object') return NEW_MODEL;
  const m = json as Record<string, unknown>;
  const i = (m.incident ?? {}) as Record<string, unknown>;
  const time = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    points: Math.max(0, Math.floor(finite(m.points, 0))), scale: Math.max(0, finite(m.scale, 0)), tail: Math.max(0, finite(m.tail, 0)), hourScale: hours(m.hourScale), hourPoints: hours(m.hourPoints),
    magnitude: Math.max(0, finite(m.magnitude, 0)), integers: m.integers !== false, nonNegative: m.nonNegative !== false, calibration: Math.max(1e-3, finite(m.calibration, GAUSSIAN_Q99)), openings: Math.max(0, finite(m.openings, 0)),
    weeklyFrom: time(m.weeklyFrom),
    regimeSince: time(m.regimeSince),
    incident: {
      open: i.open === true, openedAt: time(i.openedAt), normalSince: time(i.normalSince), streak: Math.max(0, Math.floor(finite(i.streak, 0))),
      rise: Math.max(0, finite(i.rise, 0)), fall: Math.max(0, finite(i.fall, 0)),
    },
  };
}

/**
 * A first model for a series seen for the first time whose past was run on the source (backfill):
 * the spread of the past values at the same time (their median absolute deviation) stands for the
 * error scale, counted as that many points, so that a new KPI on an old table is judged at once — with
 * the band still wide while those points are few. Fewer than three values teach nothing.
 */
export function warmModel(seasonalValues: readonly number[]): SeriesModel {
  if (seasonalValues.length < MIN_MODEL_POINTS) return NEW_MODEL;
  const m = median(seasonalValues);
  const spread = median(seasonalValues.map((v) => Math.abs(v - m)));
  return {
    points: seasonalValues.length, scale: spread, tail: spread * GAUSSIAN_TAIL_RATIO, hourScale: NEW_MODEL.hourScale, hourPoints: NEW_MODEL.hourPoints,
    magnitude: median(seasonalValues.map(Math.abs)), integers: seasonalValues.every(Number.isInteger), nonNegative: seasonalValues.every((v) => v >= 0), calibration: GAUSSIAN_Q99, openings: 0, weeklyFrom: null, regimeSince: null, incident: NO_INCIDENT,
  };
}
