/**
 * Sessions: a day's plan (who, when, how many views, carts, purchases) and each session's events.
 *
 * The plan is a cheap sequential stream per day: start second, user, and event counts per type, drawn
 * until the day's event budget is used up (the last session is cut short), so a run has exactly
 * --events lines. Each session then unfolds from its own seed, mix(day seed, session index), into a
 * sequence: views that wander through a category, carts and purchases placed after a view of the same
 * product (usually), removals after their cart, gaps of seconds to minutes. Because a session depends
 * only on its seed and the immutable model, the next day's worker can regenerate the late sessions of
 * the day before to pick up the events that spill past midnight.
 */
import { HEX, writeUint } from './ascii';
import type { Day } from './calendar';
import { BOT_MEDIAN_EXTRA, MAX_SPAN, type Model } from './model';
import { isBuyer, sampleUser, userId } from './population';
import { Rng, mix, type QuantileTable } from './prng';

export const VIEW = 0;
export const CART = 1;
export const REMOVE = 2;
export const PURCHASE = 3;
export const EVENT_TYPES = ['view', 'cart', 'remove_from_cart', 'purchase'] as const;

/** Event flags: the line is a natural / injected copy of the line before it, or has such a copy. */
export const COPY_NATURAL = 1;
export const COPY_INJECTED = 2;
export const HAS_COPY = 4;
export const NO_SWITCH = 0xffff;

const MAX_HUMAN_VIEWS = 2000;
const PRICIER_PURCHASE = 0.2;
const MAX_BOT_EVENTS = 3000;
const SCRATCH = 8192;
/** Bytes reserved per session for `user_id,uuid\n` (user ids have at most 10 digits). */
export const TAIL_STRIDE = 48;

/** The day's sessions as planned, structure of arrays. */
export interface DayPlan {
  count: number;
  start: Int32Array;
  user: Uint32Array;
  views: Uint16Array;
  cartsBeforePurchase: Uint8Array;
  abandonedCarts: Uint8Array;
  purchases: Uint8Array;
  removes: Uint8Array;
  bot: Uint8Array;
  /** Lines the session may write (its event count, except for the day's last session). */
  limit: Uint16Array;
}

export function planDay(model: Model, day: Day): DayPlan {
  const { behaviour: b, population } = model;
  const rng = new Rng(mix(day.seed, 0x91a4));
  const capacity = Math.ceil(day.budget / 3) + 16;
  const plan: DayPlan = {
    count: 0,
    start: new Int32Array(capacity),
    user: new Uint32Array(capacity),
    views: new Uint16Array(capacity),
    cartsBeforePurchase: new Uint8Array(capacity),
    abandonedCarts: new Uint8Array(capacity),
    purchases: new Uint8Array(capacity),
    removes: new Uint8Array(capacity),
    bot: new Uint8Array(capacity),
    limit: new Uint16Array(capacity),
  };
  let remaining = day.budget;
  for (let i = 0; remaining > 0; i++) {
    if (i === capacity) throw new RangeError(`day ${day.date}: more sessions than planned capacity ${capacity}`);
    plan.start[i] = model.startSecond(rng);
    const user = sampleUser(population, rng);
    plan.user[i] = user;
    let events: number;
    if (rng.float() < b.botRate) {
      plan.bot[i] = 1;
      plan.views[i] = Math.min(MAX_BOT_EVENTS, 201 + Math.floor(BOT_MEDIAN_EXTRA * Math.exp(0.8 * rng.normal())));
      events = plan.views[i];
    } else {
      const buys = isBuyer(population, user) && rng.float() < population.purchaseProbability;
      const purchases = buys ? 1 + rng.geometric(b.extraPurchaseP) : 0;
      let withCart = 0;
      for (let k = 0; k < purchases; k++) if (rng.float() < b.cartBeforePurchase) withCart++;
      const abandoned = rng.float() < b.abandonedCart * day.cartMultiplier ? 1 + rng.geometric(b.abandonedExtraP) : 0;
      const views = buys ? (rng.float() < b.purchaseWithoutViews ? 0 : b.purchaseViews.sample(rng)) : b.browseViews.sample(rng);
      let removes = 0;
      for (let k = 0; k < withCart + abandoned; k++) if (rng.float() < model.options.removeRate) removes++;
      plan.views[i] = Math.min(MAX_HUMAN_VIEWS, views);
      plan.purchases[i] = Math.min(50, purchases);
      plan.cartsBeforePurchase[i] = Math.min(plan.purchases[i], withCart);
      plan.abandonedCarts[i] = Math.min(50, abandoned);
      plan.removes[i] = Math.min(plan.cartsBeforePurchase[i] + plan.abandonedCarts[i], removes);
      events = plan.views[i] + plan.purchases[i] + plan.cartsBeforePurchase[i] + plan.abandonedCarts[i] + plan.removes[i];
    }
    plan.limit[i] = Math.min(events, remaining);
    remaining -= plan.limit[i];
    plan.count = i + 1;
  }
  return plan;
}

/** Generated sessions (identity) of one file day, structure of arrays, growable. */
export class SessionTable {
  count = 0;
  seed: Uint32Array;
  userId: Uint32Array;
  altUserId: Uint32Array;
  switchAt: Uint16Array;
  /** `user_id,user_session\n` per session, TAIL_STRIDE bytes apart; tailLength says how many are used. */
  tail: Uint8Array;
  tailLength: Uint8Array;

  constructor(capacity = 1024) {
    this.seed = new Uint32Array(capacity);
    this.userId = new Uint32Array(capacity);
    this.altUserId = new Uint32Array(capacity);
    this.switchAt = new Uint16Array(capacity);
    this.tail = new Uint8Array(capacity * TAIL_STRIDE + 4); // + 4: word copies read past the end
    this.tailLength = new Uint8Array(capacity);
  }

  /** Empties the table but keeps its memory (a worker reuses it day after day: no fresh pages to fault in). */
  reset(): void {
    this.count = 0;
  }

  add(): number {
    if (this.count === this.seed.length) {
      const n = this.count * 2;
      this.seed = grow(this.seed, n);
      this.userId = grow(this.userId, n);
      this.altUserId = grow(this.altUserId, n);
      this.switchAt = grow(this.switchAt, n);
      this.tail = grow(this.tail, n * TAIL_STRIDE + 4);
      this.tailLength = grow(this.tailLength, n);
    }
    return this.count++;
  }
}

/** Generated events, structure of arrays, growable. `time` is seconds from the FILE day's midnight. */
export class EventTable {
  count = 0;
  time = new Int32Array(4096);
  type = new Uint8Array(4096);
  product = new Uint32Array(4096);
  session = new Uint32Array(4096);
  ordinal = new Uint16Array(4096);
  flags = new Uint8Array(4096);

  reset(): void {
    this.count = 0;
  }

  reserve(extra: number): void {
    if (this.count + extra <= this.time.length) return;
    const n = Math.max(this.time.length * 2, this.count + extra);
    this.time = grow(this.time, n);
    this.type = grow(this.type, n);
    this.product = grow(this.product, n);
    this.session = grow(this.session, n);
    this.ordinal = grow(this.ordinal, n);
    this.flags = grow(this.flags, n);
  }
}

function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(length);
  bigger.set(array);
  return bigger;
}

// Per-session scratch (a worker generates one session at a time).
const sessionRng = new Rng(0);
/** Salts of the four UUID words' hashes (arbitrary odd constants). */
const UUID_SALTS = [0x2545f491, 0x6c8e9cf5, 0x1b873593, 0x5bd1e995];
const key = new Float64Array(SCRATCH);
const slotType = new Uint8Array(SCRATCH);
const slotProduct = new Uint32Array(SCRATCH);
const viewed = new Uint32Array(SCRATCH);
const cartKeys = new Float64Array(128);
const cartProducts = new Uint32Array(128);
const times = new Int32Array(SCRATCH);

export interface SessionContext {
  daySeed: number;
  /** Sessions of the window's last day are shifted to end by 23:59:59 (nothing may fall outside). */
  isLastDay: boolean;
  /** Added to every time: 0 for the file day's own sessions, −86,400 for the day before's. */
  timeOffset: number;
}

/** Unfolds planned session i into events (appended to `events`) and its identity (appended to `sessions`). */
export function generateSession(model: Model, plan: DayPlan, i: number, context: SessionContext, sessions: SessionTable, events: EventTable): void {
  const { population, behaviour } = model;
  const seed = mix(context.daySeed, i);
  const rng = sessionRng.reseed(seed);
  const s = sessions.add();
  sessions.seed[s] = seed;
  const user = userId(population, plan.user[i]);
  sessions.userId[s] = user;
  let at = writeUint(sessions.tail, s * TAIL_STRIDE, user);
  sessions.tail[at++] = 44; // ','
  writeUuid(rng, context.daySeed, i, sessions.tail, at);
  sessions.tail[at + 36] = 10; // '\n'
  sessions.tailLength[s] = at + 37 - s * TAIL_STRIDE;
  const bot = plan.bot[i] === 1;
  let m = bot ? botSlots(model, plan.views[i], rng) : humanSlots(model, plan, i, rng);
  sortSlots(m);
  m = Math.min(m, plan.limit[i]);
  let switchAt = NO_SWITCH;
  if (m >= 2 && rng.float() < behaviour.sharedSession) {
    switchAt = 1 + rng.below(m - 1);
    sessions.altUserId[s] = userId(population, sampleUser(population, rng));
  }
  sessions.switchAt[s] = switchAt;
  const span = slotTimes(m, bot ? undefined : behaviour.gaps, rng);
  let start = plan.start[i];
  if (context.isLastDay && start + span > 86_399) start = 86_399 - span;
  start += context.timeOffset;

  const natural = behaviour.naturalDuplicate;
  const injected = model.faultRates.inFileDuplicate;
  events.reserve(m);
  let previousIsCopy = true; // the first line has nothing to copy
  for (let j = 0; j < m; j++) {
    const e = events.count++;
    let flags = 0;
    if (!previousIsCopy && j !== switchAt) {
      // From the session's own stream: a regenerated session makes exactly the same copies.
      const u = rng.float();
      if (u < natural) flags = COPY_NATURAL;
      else if (u < natural + injected) flags = COPY_INJECTED;
    }
    if (flags !== 0) {
      // An exact copy of the line before: same second, type and product (hence the same attributes).
      events.time[e] = events.time[e - 1];
      events.type[e] = events.type[e - 1];
      events.product[e] = events.product[e - 1];
      events.flags[e - 1] |= HAS_COPY;
    } else {
      events.time[e] = start + times[j];
      events.type[e] = slotType[j];
      events.product[e] = slotProduct[j];
    }
    events.flags[e] = flags;
    events.session[e] = s;
    events.ordinal[e] = j;
    previousIsCopy = flags !== 0;
  }
}

/** A browsing or buying session: views wander within a category; carts and purchases follow views. */
function humanSlots(model: Model, plan: DayPlan, i: number, rng: Rng): number {
  const { catalog } = model;
  const v = plan.views[i];
  slotCount = 0;
  cartCount = 0;
  for (let j = 0; j < v; j++) {
    const u = rng.float();
    let p: number;
    if (j === 0 || u < 0.25) p = catalog.popularity.sample(rng);
    else if (u < 0.8) {
      const c = catalog.productCategory[viewed[j - 1]];
      p = catalog.categoryProducts[catalog.categoryStart[c] + catalog.categoryPopularity[c].sample(rng)];
    } else p = viewed[rng.below(j)]; // back to a product seen earlier in the session
    viewed[j] = p;
    addSlot(j, VIEW, p);
  }
  for (let k = 0; k < plan.purchases[i]; k++) {
    const fromViews = v > 0 && rng.float() < 0.92;
    let pos = fromViews ? rng.below(v) : rng.float() * Math.max(0, v - 1);
    if (fromViews && v > 1 && rng.float() < PRICIER_PURCHASE) {
      // Buyers lean to the pricier of two viewed products: the real month's purchases average 309.6
      // against 290.3 over all events.
      const other = rng.below(v);
      if (catalog.productPrice[viewed[other]] > catalog.productPrice[viewed[pos]]) pos = other;
    }
    const product = fromViews ? viewed[pos] : catalog.popularity.sample(rng);
    let after = pos;
    if (k < plan.cartsBeforePurchase[i]) {
      after = pos + 0.1 + 0.3 * rng.float();
      addSlot(after, CART, product);
    }
    addSlot(after + 0.05 + rng.float() * Math.max(0, v - after), PURCHASE, product);
  }
  for (let k = 0; k < plan.abandonedCarts[i]; k++) {
    const fromViews = v > 0 && rng.float() < 0.9;
    const pos = fromViews ? rng.below(v) : rng.float() * Math.max(0, v - 1);
    addSlot(pos + 0.1 + 0.8 * rng.float(), CART, fromViews ? viewed[pos] : catalog.popularity.sample(rng));
  }
  for (let r = 0; r < plan.removes[i] && r < cartCount; r++) {
    addSlot(cartKeys[r] + 0.01 + rng.float() * Math.max(0.01, v + 0.5 - cartKeys[r]), REMOVE, cartProducts[r]);
  }
  return slotCount;
}

let slotCount = 0;
let cartCount = 0;

function addSlot(at: number, type: number, product: number): void {
  if (type === CART && cartCount < cartKeys.length) {
    cartKeys[cartCount] = at;
    cartProducts[cartCount++] = product;
  }
  key[slotCount] = at;
  slotType[slotCount] = type;
  slotProduct[slotCount++] = product;
}

/** A bot-like session: a fast crawl through one category's products in catalogue order. */
function botSlots(model: Model, n: number, rng: Rng): number {
  const { catalog } = model;
  const c = catalog.productCategory[catalog.popularity.sample(rng)];
  const begin = catalog.categoryStart[c];
  const size = catalog.categoryStart[c + 1] - begin;
  const offset = rng.below(size);
  for (let j = 0; j < n; j++) {
    key[j] = j;
    slotType[j] = VIEW;
    slotProduct[j] = catalog.categoryProducts[begin + ((offset + j) % size)];
  }
  return n;
}

/** Insertion sort of the slots by key: views arrive in order, only the few extras move. */
function sortSlots(m: number): void {
  for (let j = 1; j < m; j++) {
    const k = key[j];
    const t = slotType[j];
    const p = slotProduct[j];
    let i = j - 1;
    while (i >= 0 && key[i] > k) {
      key[i + 1] = key[i];
      slotType[i + 1] = slotType[i];
      slotProduct[i + 1] = slotProduct[i];
      i--;
    }
    key[i + 1] = k;
    slotType[i + 1] = t;
    slotProduct[i + 1] = p;
  }
}

/**
 * Seconds from the session start per slot, strictly increasing (so no two lines of a session can be
 * accidentally identical). Humans pause seconds to minutes (median 20 s), bots 1–4 s. Returns the span.
 */
function slotTimes(m: number, gaps: QuantileTable | undefined, rng: Rng): number {
  if (m === 0) return 0;
  times[0] = 0;
  for (let j = 1; j < m; j++) times[j] = times[j - 1] + (gaps ? gaps.sample(rng) : 1 + rng.below(4));
  const span = times[m - 1];
  if (span <= MAX_SPAN) return span;
  for (let j = 1; j < m; j++) times[j] = Math.max(times[j - 1] + 1, Math.floor((times[j] * MAX_SPAN) / span));
  return times[m - 1];
}

/**
 * A version-4 UUID for session i of a day, as 36 lower-case ASCII bytes. Each word is the session
 * stream's next word XOR an independent hash of (daySeed, i): the stream alone is seeded with 32
 * bits, so over a month's ~9 M sessions about ten thousand pairs of sessions on different days got
 * the same UUID (a birthday collision of the seeds) and merged into false multi-day, multi-user
 * sessions. The stream still advances by four words, so every other generated value is unchanged.
 */
function writeUuid(rng: Rng, daySeed: number, i: number, out: Uint8Array, at: number): void {
  let pos = at;
  for (let w = 0; w < 4; w++) {
    let word = (rng.u32() ^ mix(daySeed ^ UUID_SALTS[w], i)) >>> 0;
    if (w === 1) word = (word & 0xffff0fff) | 0x00004000; // version 4
    if (w === 2) word = ((word & 0x3fffffff) | 0x80000000) >>> 0; // RFC 4122 variant
    for (let n = 7; n >= 0; n--) {
      const digit = w * 8 + (7 - n);
      if (digit === 8 || digit === 12 || digit === 16 || digit === 20) out[pos++] = 45; // '-'
      out[pos++] = HEX[(word >>> (n * 4)) & 15];
    }
  }
}
