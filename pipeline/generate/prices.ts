/**
 * Product prices, product ids and the attribute changes some products go through during the month.
 *
 * Prices: a raw log-normal price per product (category median × brand premium × noise) fixes the
 * ORDER of products; quantile mapping then places each product at the real month's event-weighted
 * price percentile of its position (DATA-FACTS p5 … p99, min 0.77, max 2,574.07). A few products carry
 * price 0.00 so that 0.16 % of events do, as in the real file.
 */
import type { Rng } from './prng';

/** Event-weighted price percentiles of the real month, with its min and max as the ends. */
export const PRICE_KNOTS: [number, number][] = [
  [0, 0.77], [0.05, 18.29], [0.25, 65.96], [0.5, 163.33], [0.75, 356.52], [0.9, 743.39], [0.95, 1022.16], [0.99, 1727.48], [1, 2574.07],
];
/** Share of events with price 0.00 (68,673 of 42,448,764). */
export const ZERO_PRICE_SHARE = 68_673 / 42_448_764;
export const NO_CHANGE = 0xffff;

/** Median price (USD) by code prefix; the longest matching prefix wins. Orders categories, nothing more. */
const MEDIANS: [string, number][] = [
  ['', 30], ['electronics', 120], ['electronics.smartphone', 280], ['electronics.video.tv', 400], ['electronics.clocks', 200],
  ['electronics.tablet', 300], ['electronics.audio.headphone', 60], ['electronics.telephone', 30], ['electronics.camera', 500],
  ['electronics.video.projector', 600], ['appliances', 150], ['appliances.kitchen.washer', 350], ['appliances.kitchen.refrigerators', 500],
  ['appliances.kitchen.kettle', 25], ['appliances.personal', 30], ['appliances.iron', 40], ['appliances.kitchen.dishwasher', 350],
  ['appliances.environment.air_conditioner', 400], ['computers', 100], ['computers.notebook', 700], ['computers.desktop', 800],
  ['computers.peripherals.mouse', 15], ['computers.peripherals.keyboard', 25], ['computers.components.videocards', 400],
  ['apparel', 45], ['furniture', 150], ['furniture.living_room.sofa', 400], ['furniture.bedroom.bed', 300], ['furniture.bedroom.pillow', 20],
  ['auto', 70], ['construction', 90], ['construction.tools.generator', 300], ['kids', 60], ['kids.carriage', 300], ['sport', 150],
  ['sport.bicycle', 250], ['accessories', 40], ['country_yard', 200], ['stationery', 25], ['medicine', 40],
];
const PREMIUM: Record<string, number> = { apple: 2.2, samsung: 1.2, xiaomi: 0.7, huawei: 0.9, sony: 1.3, bosch: 1.2, lg: 1.1 };

function medianFor(code: string): number {
  let best = MEDIANS[0];
  for (const entry of MEDIANS) {
    if ((code === entry[0] || code.startsWith(`${entry[0]}.`) || entry[0] === '') && entry[0].length >= best[0].length) best = entry;
  }
  return best[1];
}

/** Target price at event-weighted quantile p (log-linear between the knots). */
export function priceAtQuantile(p: number): number {
  for (let k = 1; k < PRICE_KNOTS.length; k++) {
    const [p1, v1] = PRICE_KNOTS[k];
    if (p <= p1) {
      const [p0, v0] = PRICE_KNOTS[k - 1];
      const t = (p - p0) / (p1 - p0);
      return Math.exp(Math.log(v0) + t * (Math.log(v1) - Math.log(v0)));
    }
  }
  return PRICE_KNOTS[PRICE_KNOTS.length - 1][1];
}

interface ProductArrays {
  productCategory: Uint16Array;
  productBrand: Uint16Array;
  weight: Float64Array;
}

/** Price in cents per product. */
export function priceProducts(categoryCodes: string[], brands: string[], { productCategory, productBrand, weight }: ProductArrays, rng: Rng): Uint32Array {
  const n = weight.length;
  const logMedian = categoryCodes.map((code) => Math.log(medianFor(code)));
  const raw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const premium = PREMIUM[brands[productBrand[i]]] ?? 1;
    raw[i] = logMedian[productCategory[i]] + Math.log(premium) + 0.6 * rng.normal();
  }
  // Zero prices first: random products until their weight reaches the real share (skipping ones that
  // overshoot). They sit below every other price, so the mapping of the rest starts above their weight.
  const price = new Uint32Array(n).fill(1);
  let zeroWeight = 0;
  for (let tries = 0; tries < 10 * n && zeroWeight < ZERO_PRICE_SHARE * 0.995; tries++) {
    const i = rng.below(n);
    if (price[i] === 0 || zeroWeight + weight[i] > ZERO_PRICE_SHARE * 1.005) continue;
    price[i] = 0;
    zeroWeight += weight[i];
  }
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => price[i] !== 0)
    .sort((a, b) => raw[a] - raw[b]);
  let cumulative = zeroWeight;
  for (const i of order) {
    price[i] = Math.max(1, Math.round(priceAtQuantile(cumulative + weight[i] / 2) * 100));
    cumulative += weight[i];
  }
  return price;
}

/** Distinct product ids in the real file's range (7–8 digits). */
export function uniqueProductIds(count: number, rng: Rng): Uint32Array {
  const ids = new Uint32Array(count);
  const seen = new Set<number>();
  for (let i = 0; i < count; ) {
    const id = 1_000_000 + rng.below(59_500_000);
    if (seen.has(id)) continue;
    seen.add(id);
    ids[i++] = id;
  }
  return ids;
}

/**
 * Some products change during the month, as in the real data: ~5 % get a new price from some day on,
 * ~0.2 % move to another category of the same top level, ~0.3 % gain or lose their brand.
 */
export function attributeChanges(
  product: { productPrice: Uint32Array; productCategory: Uint16Array; productBrand: Uint16Array },
  categoryTops: string[],
  firstSynthetic: number,
  brandCount: number,
  days: number,
  rng: Rng,
) {
  const n = product.productPrice.length;
  const changeDay = new Uint16Array(n).fill(NO_CHANGE);
  const altPrice = product.productPrice.slice();
  const altCategory = product.productCategory.slice();
  const altBrand = product.productBrand.slice();
  if (days < 2) return { changeDay, altPrice, altCategory, altBrand };
  const sameTop = new Map<string, number[]>();
  categoryTops.forEach((top, c) => sameTop.set(top, [...(sameTop.get(top) ?? []), c]));
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    if (u >= 0.055) continue;
    changeDay[i] = 1 + rng.below(days - 1);
    if (u < 0.05) {
      if (altPrice[i] > 0) altPrice[i] = Math.max(1, Math.round(altPrice[i] * (0.75 + 0.4 * rng.float())));
    } else if (u < 0.052) {
      const peers = sameTop.get(categoryTops[product.productCategory[i]]) ?? [];
      altCategory[i] = peers[rng.below(peers.length)];
    } else {
      altBrand[i] = altBrand[i] === 0 ? firstSynthetic + rng.below(brandCount - firstSynthetic) : 0;
    }
  }
  return { changeDay, altPrice, altCategory, altBrand };
}
