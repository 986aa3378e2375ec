/**
 * The user population: who a session belongs to, and who buys.
 *
 * Scaling (documented contract of the generator): users and sessions scale linearly with --events, so a
 * smaller run is a smaller audience with the same behaviour and every per-user and per-session rate
 * holds at any size (full month: 3,022,290 users, 9,244,421 sessions for 42,448,764 events).
 *
 * Model: a pool of P potential users with log-normal activity a (σ = ACTIVITY_SIGMA). Each session picks
 * its user with probability ∝ a, so a user's session count is ~Poisson(m·a); users with no session never
 * appear. A fraction π of the pool are buyers, and each session of a buyer ends in a purchase with
 * probability q. P, π and q are solved numerically (quadrature over the activity distribution) so
 * that distinct users, purchase sessions (6.81 %) and buyers (11.49 % of users) match the real month.
 * No per-user array is needed: user i's activity is the (i + ½)/P quantile, sampling is an inverse CDF.
 */
import { hashFloat, mix, normalQuantile, type Rng } from './prng';

export const FULL_EVENTS = 42_448_764;
export const FULL_USERS = 3_022_290;
export const FULL_SESSIONS = 9_244_421;
export const PURCHASE_SESSION_SHARE = 629_560 / 9_244_421;
export const BUYER_SHARE = 347_118 / 3_022_290;
const ACTIVITY_SIGMA = 1.0;

export interface Population {
  poolSize: number;
  /** Share of the pool that buys at all (π) and a buyer's per-session purchase probability (q). */
  buyerShare: number;
  purchaseProbability: number;
  /** Salt for per-user hashes. */
  salt: number;
  /** user_id = ID_BASE + ((i · multiplier + offset) mod P) · idStep: a bijection, so ids stay distinct. */
  multiplier: number;
  offset: number;
  idStep: number;
}

const ID_BASE = 250_000_000;

/** Expected sessions and users for a run of `events` events (linear scaling). */
export function expectedCardinalities(events: number): { sessions: number; users: number } {
  return { sessions: (events * FULL_SESSIONS) / FULL_EVENTS, users: (events * FULL_USERS) / FULL_EVENTS };
}

export function planPopulation(events: number, seed: number): Population {
  const { sessions, users } = expectedCardinalities(events);
  // distinct users = P · E[1 − exp(−(S/P)·a)] grows with P; bisection on the pool size.
  let low = users;
  let high = users * 20;
  for (let k = 0; k < 60; k++) {
    const pool = (low + high) / 2;
    if (pool * expectation((a) => 1 - Math.exp(-(sessions / pool) * a)) < users) low = pool;
    else high = pool;
  }
  const poolSize = Math.max(1, Math.round(low));
  const mean = sessions / poolSize;
  const seen = expectation((a) => 1 - Math.exp(-mean * a));
  // buyers / users = π · E[1 − exp(−q·m·a)] / seen with π = share / q; decreasing in q.
  let qLow = PURCHASE_SESSION_SHARE;
  let qHigh = 1;
  for (let k = 0; k < 60; k++) {
    const q = (qLow + qHigh) / 2;
    const buyers = ((PURCHASE_SESSION_SHARE / q) * expectation((a) => 1 - Math.exp(-q * mean * a))) / seen;
    if (buyers > BUYER_SHARE) qLow = q;
    else qHigh = q;
  }
  const purchaseProbability = (qLow + qHigh) / 2;
  let multiplier = 2_654_435_761 % poolSize || 1;
  while (gcd(multiplier, poolSize) !== 1) multiplier++;
  return {
    poolSize,
    buyerShare: PURCHASE_SESSION_SHARE / purchaseProbability,
    purchaseProbability,
    salt: mix(seed, 0x05e55),
    multiplier,
    offset: mix(seed, 0x1d) % poolSize,
    idStep: Math.max(1, Math.floor(300_000_000 / poolSize)),
  };
}

/** E[f(a)] for a = exp(σz − σ²/2), z ~ N(0, 1) (mean activity 1), by the trapezoid rule. */
function expectation(f: (a: number) => number): number {
  const steps = 4000;
  const width = 16 / steps;
  let sum = 0;
  for (let k = 0; k <= steps; k++) {
    const z = -8 + k * width;
    const density = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    sum += (k === 0 || k === steps ? 0.5 : 1) * density * f(Math.exp(ACTIVITY_SIGMA * z - ACTIVITY_SIGMA ** 2 / 2));
  }
  return sum * width;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * A session's user, drawn ∝ activity. User i sits at activity quantile (i + ½)/P; weighting a normal
 * z by exp(σz) shifts it by σ, so the size-biased draw is z = Φ⁻¹(u) + σ mapped back through Φ.
 */
export function sampleUser(population: Population, rng: Rng): number {
  const z = normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, rng.float()))) + ACTIVITY_SIGMA;
  return Math.min(population.poolSize - 1, Math.floor(normalCdf(z) * population.poolSize));
}

export function isBuyer(population: Population, user: number): boolean {
  return hashFloat(population.salt, user, 0xb0b) < population.buyerShare;
}

export function userId(population: Population, user: number): number {
  // user · multiplier < P² stays below 2^53 for any pool this generator builds (P < 2^26).
  const permuted = (((user * population.multiplier) % population.poolSize) + population.offset) % population.poolSize;
  return ID_BASE + permuted * population.idStep + (mix(population.salt, user) % population.idStep);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; absolute error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
