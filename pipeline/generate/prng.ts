/**
 * Seeded randomness for the generator. Everything random derives from the user's `--seed` through
 * these functions (never Math.random or the clock), so the same arguments give byte-identical files.
 *
 * Two tools: `Rng`, a xoshiro128** stream (fast, 32-bit arithmetic only, good statistical quality),
 * and `mix`/`hash`, stateless 32-bit hashes used to derive independent seeds (per day, per session)
 * and to make per-event decisions that another worker can recompute without replaying a stream.
 */

/** Murmur3's 32-bit finaliser: a bijective avalanche of one word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of two words (order matters). Used to derive child seeds: mix(daySeed, sessionIndex). */
export function mix(a: number, b: number): number {
  return fmix32((Math.imul(a ^ 0x9e3779b9, 0x01000193) + fmix32(b + 0x7f4a7c15)) | 0);
}

/** Hash of three words, as a float in [0, 1): a decision that needs no stream state. */
export function hashFloat(a: number, b: number, c: number): number {
  return mix(mix(a, b), c) / 4294967296;
}

/** A seed from the user's integer (up to 2^53) folded to 32 bits without losing the high bits. */
export function rootSeed(seed: number): number {
  const high = Math.floor(seed / 4294967296);
  return mix(fmix32(seed >>> 0), high);
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = this.b = this.c = this.d = 0;
    this.reseed(seed);
  }

  /** Restarts the stream from a new seed (one Rng serves every session of a worker, without garbage). */
  reseed(seed: number): this {
    // splitmix32-style expansion of one word into the four-word state.
    const s = seed >>> 0;
    this.a = fmix32((s + 0x9e3779b9) | 0);
    this.b = fmix32((s + 0x3c6ef372) | 0);
    this.c = fmix32((s + 0xdaa66d2b) | 0);
    this.d = fmix32((s + 0x78dde6e4) | 0) | 1; // never the all-zero state
    return this;
  }

  /** Next unsigned 32-bit word (xoshiro128**). */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution (enough for every use here). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Box–Muller; the second value is dropped to keep the stream simple). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Number of failures before the first success, success probability p (mean (1-p)/p). */
  geometric(p: number): number {
    if (p >= 1) return 0;
    return Math.floor(Math.log(1 - this.float()) / Math.log(1 - p));
  }

  /** Poisson; inversion for small means, a rounded normal for large ones (only used for large means). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    let k = 0;
    let p = Math.exp(-mean);
    let cumulative = p;
    const u = this.float();
    while (u > cumulative && k < 200) {
      k++;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Walker's alias table: O(1) sampling from a fixed discrete distribution. Built once per catalog;
 * sampling costs one random word and one comparison.
 */
export class AliasTable {
  readonly size: number;
  private readonly probability: Float64Array;
  private readonly alias: Uint32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('alias table needs at least one weight');
    this.size = n;
    this.probability = new Float64Array(n);
    this.alias = new Uint32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i];
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i] * n) / total;
      (scaled[i] < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large[large.length - 1];
      this.probability[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) small.push(large.pop() as number);
    }
    for (const i of large) this.probability[i] = 1;
    for (const i of small) this.probability[i] = 1;
  }

  sample(rng: Rng): number {
    const x = rng.float() * this.size;
    const i = Math.floor(x);
    return x - i < this.probability[i] ? i : this.alias[i];
  }
}

/**
 * A continuous distribution tabulated at 2^16 quantiles: sampling is one random word and one load,
 * instead of a normal variate and an exp() per draw (this runs for every event).
 */
export class QuantileTable {
  readonly values: Uint16Array;

  constructor(quantile: (p: number) => number) {
    this.values = new Uint16Array(65536);
    for (let k = 0; k < 65536; k++) this.values[k] = Math.max(0, Math.min(65535, quantile((k + 0.5) / 65536)));
  }

  sample(rng: Rng): number {
    return this.values[rng.u32() >>> 16];
  }

  mean(): number {
    let sum = 0;
    for (let k = 0; k < 65536; k++) sum += this.values[k];
    return sum / 65536;
  }
}
