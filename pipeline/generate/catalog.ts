/**
 * The product catalog: category ids (with or without a code), brands and products, each product with a
 * stable category, brand and price, plus a popularity weight. Held in typed arrays so a worker builds it
 * in a fraction of a second and it costs a few MB.
 *
 * Calibration by construction: every (category, brand) cell gets exactly its target share of event
 * weight, split over the cell's products by a Zipf law, so category and brand shares hold in
 * expectation while product popularity stays heavily skewed. Prices are mapped onto the real month's
 * event-weighted price percentiles (quantile mapping), keeping the order that category medians and brand
 * premiums give. The catalog does not scale with --events: a smaller run is the same store with less
 * traffic, so fewer distinct products and brands show up.
 */
import { AliasTable, Rng, mix } from './prng';
import { attributeChanges, priceProducts, uniqueProductIds } from './prices';
import { BRAND_COUNT, BRANDS_BY_TOP_LEVEL, CATEGORY_IDS, CODES, EMPTY_BRAND, EMPTY_CODE_SHARE, PHONE_BRANDS, TOP_BRAND_SHARES, TOP_LEVEL_SHARES, syntheticBrandNames } from './taxonomy';

export interface Catalog {
  /** 19-digit category ids as ASCII, index = category index. */
  categoryIds: string[];
  /** category_code per category index ('' = none). */
  categoryCodes: string[];
  /** Brand names; index 0 is the empty brand. */
  brands: string[];
  productCount: number;
  productIds: Uint32Array;
  productCategory: Uint16Array;
  productBrand: Uint16Array;
  /** Price in cents. */
  productPrice: Uint32Array;
  /** Day index (from the window start) from which the alt* attributes apply; 0xffff = never. */
  changeDay: Uint16Array;
  altPrice: Uint32Array;
  altCategory: Uint16Array;
  altBrand: Uint16Array;
  /** Event weight of each product (sums to 1). */
  weight: Float64Array;
  popularity: AliasTable;
  /** Products of each category (CSR layout) and an alias table over their weights. */
  categoryStart: Uint32Array;
  categoryProducts: Uint32Array;
  categoryPopularity: AliasTable[];
}

/** Products in the catalog (DATA-FACTS: 166,794 products have events in the real month). */
export const CATALOG_PRODUCTS = 172_000;


interface Category {
  id: string;
  code: string;
  top: string;
  share: number;
}

interface Cell {
  category: number;
  brand: number;
  share: number;
}

export function buildCatalog(seed: number, days: number): Catalog {
  const rng = new Rng(mix(seed, 0xca7a1067));
  const categories = buildCategories();
  const { brands, firstSynthetic } = buildBrands();
  const brandIndex = new Map(brands.map((name, i) => [name, i]));
  const cells = categories.flatMap((category, index) => brandMix(category, index, { brands, brandIndex, firstSynthetic }, rng));
  calibrateTopBrands(cells, categories, brandIndex);
  giveEveryBrandACell(cells, categories, brands.length, firstSynthetic, rng);
  const products = buildProducts(cells, rng);
  const { productCategory, productBrand, weight } = products;
  const productCount = weight.length;
  const productPrice = priceProducts(categories.map((c) => c.code), brands, products, rng);
  const productIds = uniqueProductIds(productCount, rng);
  const changes = attributeChanges({ productPrice, productCategory, productBrand }, categories.map((c) => c.top), firstSynthetic, brands.length, days, rng);
  const { categoryStart, categoryProducts, categoryPopularity } = byCategory(categories.length, productCategory, weight);
  return {
    categoryIds: categories.map((c) => c.id),
    categoryCodes: categories.map((c) => c.code),
    brands,
    productCount,
    productIds,
    productCategory,
    productBrand,
    productPrice,
    ...changes,
    weight,
    popularity: new AliasTable(weight),
    categoryStart,
    categoryProducts,
    categoryPopularity,
  };
}

/** Category ids and codes: stable across seeds (a fixed stream), so the taxonomy never depends on --seed. */
function buildCategories(): Category[] {
  const rng = new Rng(0x20191001);
  const coded: Category[] = [];
  const idPrefixes = ['2053013', '2103807', '2172371', '2232732'];
  const seen = new Set<string>();
  const newId = (): string => {
    for (;;) {
      let digits = idPrefixes[rng.below(idPrefixes.length)];
      while (digits.length < 19) digits += String(rng.below(10));
      if (!seen.has(digits)) {
        seen.add(digits);
        return digits;
      }
    }
  };
  const topTotal = Object.values(TOP_LEVEL_SHARES).reduce((a, b) => a + b, 0);
  const scale = (100 - EMPTY_CODE_SHARE) / topTotal;
  for (const [top, codes] of Object.entries(CODES)) {
    const total = Object.values(codes).reduce((a, b) => a + b, 0);
    for (const [suffix, weight] of Object.entries(codes)) {
      const share = (TOP_LEVEL_SHARES[top] * scale * weight) / total;
      // Some codes span two category ids (as in the real data); the second one is a minor variant.
      const split = share > 0.3 && share < 5 && rng.float() < 0.4;
      coded.push({ id: newId(), code: `${top}.${suffix}`, top, share: split ? share * 0.85 : share });
      if (split) coded.push({ id: newId(), code: `${top}.${suffix}`, top, share: share * 0.15 });
    }
  }
  const uncodedCount = CATEGORY_IDS - coded.length;
  const zipf = Array.from({ length: uncodedCount }, (_, i) => 1 / Math.pow(i + 3, 1.1));
  const zipfTotal = zipf.reduce((a, b) => a + b, 0);
  const uncoded = zipf.map((w) => ({ id: newId(), code: '', top: '', share: (EMPTY_CODE_SHARE * w) / zipfTotal }));
  return [...coded, ...uncoded];
}

function buildBrands(): { brands: string[]; firstSynthetic: number } {
  const known = new Set<string>(PHONE_BRANDS.map(([name]) => name));
  for (const list of Object.values(BRANDS_BY_TOP_LEVEL)) for (const name of list) known.add(name);
  return { brands: ['', ...known, ...syntheticBrandNames(BRAND_COUNT - known.size, known)], firstSynthetic: known.size + 1 };
}

interface BrandTable {
  brands: string[];
  brandIndex: Map<string, number>;
  firstSynthetic: number;
}

/** How a category's event share splits over brands (index 0 = empty brand). */
function brandMix(category: Category, index: number, { brands, brandIndex, firstSynthetic }: BrandTable, rng: Rng): Cell[] {
  const cells: Cell[] = [];
  const add = (brand: number, fraction: number) => cells.push({ category: index, brand, share: category.share * fraction });
  if (category.code === 'electronics.smartphone') {
    add(0, EMPTY_BRAND.phone);
    for (const [name, fraction] of PHONE_BRANDS) add(brandIndex.get(name) as number, fraction * (1 - EMPTY_BRAND.phone));
    return cells;
  }
  const empty = category.code ? EMPTY_BRAND.coded : EMPTY_BRAND.uncoded;
  add(0, empty);
  const candidates = BRANDS_BY_TOP_LEVEL[category.top];
  // Known brands take most of a category; a tail of synthetic brands (more for bigger categories) the rest.
  const knownPick = candidates.filter((_, rank) => rng.float() < 0.9 / Math.sqrt(rank + 1));
  const tailCount = 2 + Math.round(Math.sqrt(category.share) * 40 * rng.float());
  const knownWeights = knownPick.map((_, rank) => 1 / Math.pow(rank + 1, 1.2));
  const tailWeights = Array.from({ length: tailCount }, (_, rank) => 1 / Math.pow(rank + 2, 1.1));
  const knownFraction = knownPick.length > 0 ? (category.code ? 0.72 : 0.2) : 0;
  const knownTotal = knownWeights.reduce((a, b) => a + b, 0);
  const tailTotal = tailWeights.reduce((a, b) => a + b, 0);
  knownPick.forEach((name, i) => add(brandIndex.get(name) as number, ((1 - empty) * knownFraction * knownWeights[i]) / knownTotal));
  for (let i = 0; i < tailCount; i++) {
    // Tail brands are drawn with a skew so some synthetic brands recur across many categories.
    const pick = firstSynthetic + Math.floor(Math.pow(rng.float(), 1.6) * (brands.length - firstSynthetic));
    add(pick, ((1 - empty) * (1 - knownFraction) * tailWeights[i]) / tailTotal);
  }
  return cells;
}

/**
 * Scales the non-phone cells of the brands with a published share (samsung, apple, xiaomi, huawei) so
 * their total hits it; the other branded cells of each touched category absorb the difference, so
 * category shares do not move.
 */
function calibrateTopBrands(cells: Cell[], categories: Category[], brandIndex: Map<string, number>): void {
  const topIds = new Set(Object.keys(TOP_BRAND_SHARES).map((name) => brandIndex.get(name) as number));
  const byCategory = new Map<number, Cell[]>();
  for (const cell of cells) byCategory.set(cell.category, [...(byCategory.get(cell.category) ?? []), cell]);
  const isPhone = (cell: Cell) => categories[cell.category].code === 'electronics.smartphone';
  for (const [name, target] of Object.entries(TOP_BRAND_SHARES)) {
    const brand = brandIndex.get(name) as number;
    const own = cells.filter((cell) => cell.brand === brand);
    const fixed = own.filter(isPhone).reduce((sum, cell) => sum + cell.share, 0);
    const movable = own.filter((cell) => !isPhone(cell));
    const current = movable.reduce((sum, cell) => sum + cell.share, 0);
    if (current <= 0) continue;
    const factor = Math.max(0, (target - fixed) / current);
    for (const cell of movable) {
      const delta = cell.share * (factor - 1);
      const others = (byCategory.get(cell.category) ?? []).filter((c) => c.brand !== 0 && !topIds.has(c.brand));
      const othersTotal = others.reduce((sum, c) => sum + c.share, 0);
      if (othersTotal <= delta) continue;
      cell.share += delta;
      for (const c of others) c.share -= (delta * c.share) / othersTotal;
    }
  }
}

/**
 * Every brand of the catalog sells something (DATA-FACTS: ≈ 3,445 brands have events): a synthetic
 * brand no category drew gets a small cell in one of the big uncoded categories, taken from that
 * category's largest synthetic-brand cell, so no share moves.
 */
function giveEveryBrandACell(cells: Cell[], categories: Category[], brandCount: number, firstSynthetic: number, rng: Rng): void {
  const SHARE = 3e-4; // percent of events: ~130 events in a full month
  const used = new Set(cells.map((cell) => cell.brand));
  const hosts = categories.map((c, i) => (c.code === '' ? i : -1)).filter((i) => i >= 0).slice(0, 100);
  const donors = new Map<number, Cell[]>();
  for (const cell of cells) if (cell.brand >= firstSynthetic && hosts.includes(cell.category)) donors.set(cell.category, [...(donors.get(cell.category) ?? []), cell]);
  for (let brand = firstSynthetic; brand < brandCount; brand++) {
    if (used.has(brand)) continue;
    const category = hosts[rng.below(hosts.length)];
    const donor = (donors.get(category) ?? []).reduce<Cell | undefined>((best, c) => (!best || c.share > best.share ? c : best), undefined);
    if (!donor || donor.share < 10 * SHARE) continue;
    donor.share -= SHARE;
    cells.push({ category, brand, share: SHARE });
  }
}

function buildProducts(cells: Cell[], rng: Rng): { productCategory: Uint16Array; productBrand: Uint16Array; weight: Float64Array } {
  // Products per cell grow sub-linearly with the cell's share (big cells: many products, one dominant).
  const raw = cells.map((cell) => Math.pow(cell.share, 0.6));
  const rawTotal = raw.reduce((a, b) => a + b, 0);
  const counts = raw.map((r) => Math.max(1, Math.round((r / rawTotal) * CATALOG_PRODUCTS)));
  const total = counts.reduce((a, b) => a + b, 0);
  const productCategory = new Uint16Array(total);
  const productBrand = new Uint16Array(total);
  const weight = new Float64Array(total);
  let next = 0;
  cells.forEach((cell, c) => {
    const exponent = 0.95 + 0.2 * rng.float();
    let norm = 0;
    for (let j = 0; j < counts[c]; j++) norm += 1 / Math.pow(j + 1, exponent);
    for (let j = 0; j < counts[c]; j++) {
      productCategory[next] = cell.category;
      productBrand[next] = cell.brand;
      weight[next] = (cell.share / 100) * (1 / Math.pow(j + 1, exponent) / norm);
      next++;
    }
  });
  let sum = 0;
  for (let i = 0; i < total; i++) sum += weight[i];
  for (let i = 0; i < total; i++) weight[i] /= sum;
  return { productCategory, productBrand, weight };
}

/** Products grouped by category (CSR) with per-category alias tables, for in-category browsing. */
function byCategory(categoryCount: number, productCategory: Uint16Array, weight: Float64Array) {
  const categoryStart = new Uint32Array(categoryCount + 1);
  for (let i = 0; i < productCategory.length; i++) categoryStart[productCategory[i] + 1]++;
  for (let c = 0; c < categoryCount; c++) categoryStart[c + 1] += categoryStart[c];
  const fill = categoryStart.slice(0, categoryCount);
  const categoryProducts = new Uint32Array(productCategory.length);
  for (let i = 0; i < productCategory.length; i++) categoryProducts[fill[productCategory[i]]++] = i;
  const categoryPopularity: AliasTable[] = [];
  for (let c = 0; c < categoryCount; c++) {
    const members = categoryProducts.subarray(categoryStart[c], categoryStart[c + 1]);
    categoryPopularity.push(new AliasTable(members.length > 0 ? Array.from(members, (p) => weight[p]) : [1]));
  }
  return { categoryStart, categoryProducts, categoryPopularity };
}
