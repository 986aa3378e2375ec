/**
 * Everything a worker needs to generate any day: the options, the catalog, the population, the
 * calendar and the behaviour rates derived from DATA-FACTS. Built from the options alone (no shared
 * state), so the main thread and each worker build the same model independently.
 */
import { buildCalendar, startSecondSampler, type Day } from './calendar';
import { buildCatalog, type Catalog } from './catalog';
import { FAULT_KINDS, faultWeightTotal } from './faults';
import { planPopulation, type Population } from './population';
import { QuantileTable, normalQuantile, rootSeed, type Rng } from './prng';

export interface GeneratorOptions {
  events: number;
  /** Epoch ms of the first day's UTC midnight. */
  startMs: number;
  days: number;
  seed: number;
  dirtyRate: number;
  /** Probability that a cart is later removed in the same session (the real October file has none). */
  removeRate: number;
}

/** Per-session behaviour, calibrated so the per-session means match the real month (see behaviour()). */
export interface Behaviour {
  /** Views of a browsing session and of a buying session that has views (discrete log-normal, σ = VIEW_SIGMA). */
  browseViews: QuantileTable;
  purchaseViews: QuantileTable;
  /** Seconds between two events of a human session (log-normal, median 20 s, at most 30 min). */
  gaps: QuantileTable;
  /** Probability a purchase session has no view at all ("usually, not always"). */
  purchaseWithoutViews: number;
  /** Success probability of the geometric number of extra purchases (mean 1.18 purchases per buying session). */
  extraPurchaseP: number;
  /** Probability that a purchase is preceded by a cart of the same product. */
  cartBeforePurchase: number;
  /** Probability (× the day's cart multiplier) that a session abandons cart(s); their count is 1 + geometric. */
  abandonedCart: number;
  abandonedExtraP: number;
  /** Bot-like sessions: share of sessions and events per bot (201 + lognormal). */
  botRate: number;
  /** Exact-duplicate line rate of the real file (30,220 of 42,448,764), per line. */
  naturalDuplicate: number;
  /** Empty user_session lines of the real file (2 in the month), per session (on its first line). */
  naturalMissingSession: number;
  /** Sessions whose later events carry another user id (rare in the real data). */
  sharedSession: number;
}

export interface Model {
  options: GeneratorOptions;
  seed: number;
  catalog: Catalog;
  population: Population;
  calendar: Day[];
  behaviour: Behaviour;
  /** Fault rate per line for in-place faults, for in-file duplicates, and for re-delivered lines. */
  faultRates: { mutation: number; inFileDuplicate: number; redelivery: number };
  startSecond: (rng: Rng) => number;
}

export const VIEW_SIGMA = 1.0;
/** Longest session span in seconds: bounds how far a session can spill into the next day. */
export const MAX_SPAN = 4 * 3600;

const FULL_EVENTS = 42_448_764;
const FULL_SESSIONS = 9_244_421;
/** Per-session means of the real month. */
const VIEWS_PER_SESSION = 40_779_399 / FULL_SESSIONS;
const CARTS_PER_SESSION = 926_516 / FULL_SESSIONS;
const PURCHASES_PER_SESSION = 742_849 / FULL_SESSIONS;
const PURCHASE_SESSIONS = 629_560 / FULL_SESSIONS;
const BOTS_AT_FULL_SCALE = 350;
export const BOT_MEDIAN_EXTRA = Math.exp(5);

/** The window alone (seed, fault rates, days): cheap, for the main thread that only names files. */
export function buildWindow(options: GeneratorOptions): Pick<Model, 'seed' | 'faultRates' | 'calendar'> {
  const seed = rootSeed(options.seed);
  const weights = faultWeightTotal();
  const perKind = options.dirtyRate / weights.total;
  const faultRates = {
    mutation: perKind * weights.mutation,
    inFileDuplicate: perKind * (FAULT_KINDS.find((k) => k.kind === 'duplicate_in_file')?.weight ?? 0),
    redelivery: perKind * (FAULT_KINDS.find((k) => k.kind === 'duplicate_cross_file')?.weight ?? 0),
  };
  const calendar = buildCalendar({ seed, startMs: options.startMs, days: options.days, events: options.events, redeliveryRate: faultRates.redelivery });
  return { seed, faultRates, calendar };
}

export function buildModel(options: GeneratorOptions): Model {
  const window = buildWindow(options);
  return {
    options,
    ...window,
    catalog: buildCatalog(window.seed, options.days),
    population: planPopulation(options.events, window.seed),
    behaviour: behaviour(),
    startSecond: startSecondSampler(),
  };
}

/**
 * Solves the per-session distributions for the real month's per-session means: views 4.41, carts
 * 0.100, purchases 0.080, purchase sessions 6.81 % (purchases per buying session 1.18).
 */
export function behaviour(): Behaviour {
  const botRate = BOTS_AT_FULL_SCALE / FULL_SESSIONS;
  const botViews = 201 + BOT_MEDIAN_EXTRA * Math.exp(0.8 ** 2 / 2);
  const purchaseViews = 8;
  const purchaseWithoutViews = 0.05;
  const humanViews = (VIEWS_PER_SESSION - botRate * botViews) / (1 - botRate);
  const browseViews = (humanViews - PURCHASE_SESSIONS * purchaseViews) / (1 - PURCHASE_SESSIONS);
  const extraPurchases = PURCHASES_PER_SESSION / PURCHASE_SESSIONS - 1;
  const cartBeforePurchase = 0.45;
  const abandonedExtra = 0.5;
  const abandonedCart = (CARTS_PER_SESSION - PURCHASES_PER_SESSION * cartBeforePurchase) / (1 + abandonedExtra);
  const lines = FULL_EVENTS / FULL_SESSIONS;
  return {
    browseViews: viewTable(browseViews),
    purchaseViews: viewTable(purchaseViews / (1 - purchaseWithoutViews)),
    gaps: new QuantileTable((p) => 1 + Math.floor(Math.min(1800, Math.exp(3 + 1.2 * normalQuantile(p))))),
    purchaseWithoutViews,
    extraPurchaseP: 1 / (1 + extraPurchases),
    cartBeforePurchase,
    abandonedCart,
    abandonedExtraP: 1 / (1 + abandonedExtra),
    botRate,
    // A copy needs a predecessor in its session, so only lines after a session's first can be copies.
    naturalDuplicate: 30_220 / FULL_EVENTS / (1 - 1 / lines),
    naturalMissingSession: 2 / FULL_SESSIONS,
    sharedSession: 100 / FULL_SESSIONS,
  };
}

/** Views per session, max(1, round(exp(mu + VIEW_SIGMA·z))), with mu solved (bisection) for the mean. */
function viewTable(mean: number): QuantileTable {
  const table = (mu: number) => new QuantileTable((p) => Math.max(1, Math.round(Math.exp(mu + VIEW_SIGMA * normalQuantile(p)))));
  let low = -3;
  let high = 6;
  for (let k = 0; k < 30; k++) {
    const mid = (low + high) / 2;
    if (table(mid).mean() < mean) low = mid;
    else high = mid;
  }
  return table((low + high) / 2);
}
