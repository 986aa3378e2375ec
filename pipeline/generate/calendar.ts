/**
 * Time: how events spread over the days of the window (weekday effect, a gentle trend, day-to-day
 * noise), multi-day promotion blocks that lift cart activity, and the hour-of-day profile.
 *
 * Every worker computes the same calendar from (seed, window, events), so a day's budget and its cart
 * multiplier never depend on which worker generates it.
 */
import { Rng, mix } from './prng';

/** Share of events by UTC hour in the real month (DATA-FACTS gives 10 hours; the rest interpolated). */
export const EVENT_HOUR_SHARES = [
  0.72, 1.4, 2.5, 3.65, 4.6, 5.05, 5.35, 5.55, 5.6, 5.54, 5.4, 5.2, 5.04, 5.34, 6.19, 7.02, 7.2, 6.6, 5.01, 3.2, 1.75, 0.95, 0.62, 0.52,
];

/**
 * Session START shares by hour. Sessions last minutes, so events trail their starts; these were fitted
 * (three rounds of start × target / measured over 8M-event runs) so that the resulting EVENT shares match EVENT_HOUR_SHARES.
 */
export const SESSION_START_HOUR_SHARES = [
  0.733, 1.443, 2.583, 3.729, 4.675, 5.052, 5.382, 5.607, 5.603, 5.509, 5.356, 5.195, 5.017, 5.373, 6.248, 7.064, 7.202, 6.574, 4.904,
  3.079, 1.653, 0.894, 0.607, 0.519,
];

/** Weekday factors, Sunday first. */
const WEEKDAY = [0.97, 1.02, 1.03, 1.02, 1.0, 0.98, 0.93];
/** Cart activity during a promotion relative to an ordinary day (before normalisation). */
const PROMOTION_LIFT = 1.75;

export interface Day {
  index: number;
  /** `YYYY-MM-DD` */
  date: string;
  /** Epoch seconds at UTC midnight. */
  epoch: number;
  seed: number;
  /** Events of sessions that start this day, minus the lines re-delivered from the day before. */
  budget: number;
  /** Lines of the previous day's file re-delivered at the start of this one (dirty runs only). */
  redelivered: number;
  /** Cart propensity multiplier (mean 1 over the window, weighted by volume). */
  cartMultiplier: number;
  promotion: boolean;
}

export interface CalendarOptions {
  seed: number;
  startMs: number;
  days: number;
  events: number;
  /** Rate of cross-file duplicate lines (share of the dirty rate given to that kind). */
  redeliveryRate: number;
}

export function buildCalendar({ seed, startMs, days, events, redeliveryRate }: CalendarOptions): Day[] {
  const rng = new Rng(mix(seed, 0xca1e4da7));
  const volume: number[] = [];
  const promotion: boolean[] = [];
  let promoLeft = 0;
  for (let d = 0; d < days; d++) {
    const weekday = new Date(startMs + d * 86_400_000).getUTCDay();
    const trend = days > 1 ? 0.92 + 0.16 * (d / (days - 1)) : 1;
    volume.push(WEEKDAY[weekday] * trend * Math.exp(0.06 * rng.normal()));
    // Promotion blocks of 3–6 days start on about one ordinary day in six (≈ 40 % of days are promotion days).
    if (promoLeft === 0 && rng.float() < 1 / 6) promoLeft = 3 + rng.below(4);
    promotion.push(promoLeft > 0);
    if (promoLeft > 0) promoLeft--;
  }
  const totalVolume = volume.reduce((a, b) => a + b, 0);
  const lift = promotion.map((p) => (p ? PROMOTION_LIFT : 1));
  const meanLift = lift.reduce((sum, l, d) => sum + l * volume[d], 0) / totalVolume;
  const budgets = largestRemainder(volume.map((v) => (events * v) / totalVolume));
  return budgets.map((lines, d) => {
    const epoch = startMs / 1000 + d * 86_400;
    const redelivered = d === 0 ? 0 : Math.min(Math.floor(lines / 2), Math.round(lines * redeliveryRate));
    return {
      index: d,
      date: new Date(epoch * 1000).toISOString().slice(0, 10),
      epoch,
      seed: mix(seed, Math.floor(epoch / 86_400)),
      budget: lines - redelivered,
      redelivered,
      cartMultiplier: lift[d] / meanLift,
      promotion: promotion[d],
    };
  });
}

/** Rounds shares to integers that sum exactly to their (integer) total. */
export function largestRemainder(shares: number[]): number[] {
  const total = Math.round(shares.reduce((a, b) => a + b, 0));
  const floors = shares.map(Math.floor);
  let missing = total - floors.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (missing <= 0) break;
    floors[i]++;
    missing--;
  }
  return floors;
}

/** Cumulative start-hour distribution, for sampling a session's start second. */
export function startSecondSampler(): (rng: Rng) => number {
  const total = SESSION_START_HOUR_SHARES.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(24);
  let acc = 0;
  SESSION_START_HOUR_SHARES.forEach((share, h) => {
    acc += share / total;
    cumulative[h] = acc;
  });
  return (rng) => {
    const u = rng.float();
    let h = 0;
    while (h < 23 && u >= cumulative[h]) h++;
    return h * 3600 + rng.below(3600);
  };
}
