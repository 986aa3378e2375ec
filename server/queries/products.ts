/** Products page queries: top products, category tree, brands, price bands. */
import { PRICE_BANDS } from '../../pipeline/layers/gold/model';
import { PRODUCT_MEASURES } from '../../pipeline/layers/gold/models/derived';
import type { Params } from '../lake/database';
import { EVENTS_SQL, rangeColumn, RANGE_MEASURES, type RangeMeasure } from '../lake/product-ranges';
import { brandProductsSql, brandRangeSql } from './brand-ranges';
import { cents, rangeBounds, ratio, servingView, view, whereFilters, type QueryScope, type ResolvedFilters } from './sql';

/** Sort keys → SQL over one product's range totals (never user text). */
export const PRODUCT_SORTS = {
  revenue: 'revenue_cents',
  purchases: 'purchases',
  views: 'views',
  carts: 'carts',
  conversionRate: 'purchases / nullif(views, 0)',
} as const;

export interface ProductRow {
  productId: number;
  categoryL1: string;
  categoryL2: string | null;
  categoryL3: string | null;
  brand: string;
  views: number;
  carts: number;
  purchases: number;
  revenue: number;
  conversionRate: number | null;
  avgPrice: number | null;
}

export interface TopProductsInput {
  sort: keyof typeof PRODUCT_SORTS;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

type Measure = (typeof PRODUCT_MEASURES)[number];
const MEASURES: readonly Measure[] = PRODUCT_MEASURES;
const EVENTS = EVENTS_SQL;

/** What a row of products.top shows: a range's totals carry only these through the join of its two dates. */
const SHOWN_MEASURES: readonly Measure[] = ['views', 'carts', 'removals', 'purchases', 'revenue_cents', 'price_weight_cents'];

/** A category or brand filter: totals then need grouping per product over its keys. */
function isSliced(filters: ResolvedFilters): boolean {
  return filters.categories.length > 0 || filters.brands.length > 0;
}

/** The two dates of gold.product_cumulative a range needs: the last ≤ `to` and the last < `from` (none: zero). */
interface CumulativeRange {
  table: string;
  from: string;
  upTo?: string;
  before?: string;
}

function cumulativeRange(scope: QueryScope, filters: ResolvedFilters): CumulativeRange | null {
  const table = servingView(scope, 'product_cumulative');
  const dates = scope.state.dates.product_cumulative;
  if (!table || !dates) return null;
  return { table, from: filters.from, ...rangeBounds(dates, filters.from, filters.to) };
}

/** Rows of one of the range's dates (none when the range has no such date), binding what they use. */
function cumulativeRows(range: CumulativeRange, at: 'up_to' | 'before', where: string, params: Params, columns = '*'): string {
  const date = at === 'up_to' ? range.upTo : range.before;
  if (!date) return `SELECT ${columns} FROM ${range.table} WHERE false`;
  params[at] = date;
  return `SELECT ${columns} FROM ${range.table} WHERE event_date = CAST($${at} AS DATE) AND ${where}`;
}

/** Keys or products with activity in the range: their latest active date up to `to` is in it. */
function activeIn(range: CumulativeRange, params: Params): string {
  params.active_from = range.from;
  return 'last_active_date >= CAST($active_from AS DATE)';
}

/**
 * Totals over the filtered range, one row per (product, category, brand) (`keys`), or per product when
 * no category or brand is filtered (`products`, null when that needs grouping), for the products with
 * activity in the range (every row returned had at least one event in it). They are differences of two
 * rows of gold.product_cumulative, of the `measures` asked for; without that table (a lake from an older
 * pipeline) the days of product_daily are summed (every measure). Labels are those of the latest active
 * date. `extra` adds a condition on the rows (e.g. on product_id).
 */
export function productRangeSql(
  scope: QueryScope,
  filters: ResolvedFilters,
  params: Params,
  mode: 'keys' | 'products',
  extra = '',
  measures: readonly Measure[] = MEASURES,
): string | null {
  const range = cumulativeRange(scope, filters);
  if (mode === 'products' && (isSliced(filters) || !range)) return null;
  const slice = whereFilters(filters, params, { category: 'category_l1', brand: 'brand' }).replace(/^WHERE /, 'AND ');
  if (!range) {
    return `
SELECT product_id, category_l1, brand, arg_max(category_l2, event_date) AS category_l2, arg_max(category_l3, event_date) AS category_l3,
  sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
  CAST(sum(revenue) * 100 AS BIGINT) AS revenue_cents, sum(abandoned_carts) AS abandoned_carts, CAST(sum(abandoned_value) * 100 AS BIGINT) AS abandoned_cents,
  CAST(sum(CAST(avg_price * 100 AS BIGINT) * ${EVENTS}) AS BIGINT) AS price_weight_cents
FROM ${view(scope, 'product_daily')} ${whereFilters(filters, params)} ${extra} GROUP BY product_id, category_l1, brand`;
  }
  const rows = `${mode === 'products' ? 'is_product' : `is_key ${slice}`} ${extra}`;
  const key = mode === 'products' ? 'product_id' : 'product_key';
  const labels = 'product_id, category_l1, brand, category_l2, category_l3';
  const upTo = cumulativeRows(range, 'up_to', `${rows} AND ${activeIn(range, params)}`, params, `${key === 'product_id' ? '' : `${key}, `}${labels}, ${measures.join(', ')}`);
  if (!range.before) return upTo;
  // Exactly one row per key (is_key) or per product (is_product) at each date.
  return `
SELECT ${labels.replace(/(\w+)/g, 't.$1')}, ${measures.map((m) => `t.${m} - coalesce(b.${m}, 0) AS ${m}`).join(', ')}
FROM (${upTo}) t
LEFT JOIN (${cumulativeRows(range, 'before', rows, params, `${key}, ${measures.join(', ')}`)}) b USING (${key})`;
}

/**
 * Range totals of `measures` with one row per product active in the range (numbers only; labels come
 * from `productLabels` for the rows shown).
 */
export function perProductSql(scope: QueryScope, filters: ResolvedFilters, params: Params, extra = '', measures: readonly Measure[] = MEASURES): string {
  const products = productRangeSql(scope, filters, params, 'products', extra, measures);
  if (products) return `SELECT product_id, ${measures.join(', ')} FROM (${products})`;
  return `SELECT product_id, ${measures.map((m) => `sum(${m}) AS ${m}`).join(', ')} FROM (${productRangeSql(scope, filters, params, 'keys', extra, measures)}) GROUP BY product_id`;
}

export interface ProductLabel {
  category_l1: string;
  category_l2: string | null;
  category_l3: string | null;
  brand: string;
}

/** A product's labels when its page row carries them (it has one key so far), else nulls. */
export type LabelledRow = { product_id: number } & { [K in keyof ProductLabel]: ProductLabel[K] | null };

/**
 * A page of products (`page`: rows with product_id, already limited) with the labels of products
 * that have one key so far, from the cumulative table's row at the range's last date (nulls for the
 * others, and without that table), in `order`.
 */
export function labelledPageSql(scope: QueryScope, filters: ResolvedFilters, params: Params, page: string, order: string): string {
  const range = cumulativeRange(scope, filters);
  const labels = range?.upTo
    ? cumulativeRows(range, 'up_to', 'is_product AND is_key', params, 'product_id, category_l1, brand, category_l2, category_l3')
    : 'SELECT CAST(NULL AS BIGINT) AS product_id, CAST(NULL AS VARCHAR) AS category_l1, CAST(NULL AS VARCHAR) AS brand, CAST(NULL AS VARCHAR) AS category_l2, CAST(NULL AS VARCHAR) AS category_l3 WHERE false';
  return `WITH page AS (${page})
SELECT page.*, l.category_l1, l.brand, l.category_l2, l.category_l3 FROM page LEFT JOIN (${labels}) l USING (product_id) ORDER BY ${order}`;
}

/**
 * Category and brand of a page of products: the row's own when it has them; a product seen under
 * several shows the one with most `rank` in the range (then the greatest labels).
 */
export async function productLabels(scope: QueryScope, filters: ResolvedFilters, rows: LabelledRow[], rank: string): Promise<Map<number, ProductLabel>> {
  const labels = new Map<number, ProductLabel>();
  for (const r of rows) {
    if (r.category_l1 !== null && r.brand !== null) labels.set(r.product_id, { category_l1: r.category_l1, brand: r.brand, category_l2: r.category_l2, category_l3: r.category_l3 });
  }
  const pending = rows.filter((r) => !labels.has(r.product_id));
  if (pending.length === 0) return labels;
  const params: Params = {};
  const ids = pending.map((r, i) => ((params[`p${i}`] = r.product_id), `$p${i}`)).join(', ');
  const key = `(${rank}, category_l1, brand)`;
  const found = await scope.db.rows<ProductLabel & { product_id: number }>(
    `SELECT product_id, arg_max(category_l1, ${key}) AS category_l1, arg_max(category_l2, ${key}) AS category_l2, arg_max(category_l3, ${key}) AS category_l3,
       arg_max(brand, ${key}) AS brand
     FROM (${productRangeSql(scope, filters, params, 'keys', `AND product_id IN (${ids})`)}) GROUP BY product_id`,
    params,
  );
  for (const r of found) labels.set(r.product_id, r);
  return labels;
}

/** Products with activity in the filtered range. */
function activeProductsSql(scope: QueryScope, filters: ResolvedFilters, params: Params): string {
  const range = cumulativeRange(scope, filters);
  // Active in the range exactly when the latest active date up to `to` is in it: no join needed.
  if (range && !isSliced(filters)) return `SELECT count(*) AS total FROM (${cumulativeRows(range, 'up_to', `is_product AND ${activeIn(range, params)}`, params, 'product_id')})`;
  return `SELECT count(*) AS total FROM (${perProductSql(scope, filters, params, '', ['views'])})`;
}

/**
 * Range totals per product active in the range, from the per-product layout of the cumulative table
 * (one scan, no join): the rows of `perProductSql`, with `events` for removals; null when the state
 * has no such layout or the filters need grouping.
 */
export function rangeLayoutSql(scope: QueryScope, filters: ResolvedFilters): string | null {
  const layout = scope.state.productRanges.relation;
  const range = cumulativeRange(scope, filters);
  const dates = scope.state.dates.product_cumulative;
  if (!layout || !range?.upTo || !dates || isSliced(filters)) return null;
  // Column names come from the state's own partition dates, never from the request.
  const upTo = dates.indexOf(range.upTo);
  const before = range.before === undefined ? -1 : dates.indexOf(range.before);
  const value = (m: RangeMeasure) => (before < 0 ? rangeColumn(upTo, m) : `(${rangeColumn(upTo, m)} - ${rangeColumn(before, m)})`);
  return `SELECT product_id, ${(Object.keys(RANGE_MEASURES) as RangeMeasure[]).map((m) => `${value(m)} AS ${m}`).join(', ')} FROM ${layout} WHERE ${value('events')} > 0`;
}

type ShownRow = LabelledRow & { views: number; carts: number; purchases: number; revenue_cents: number; events: number; price_weight_cents: number };

export async function top(scope: QueryScope<TopProductsInput>): Promise<{ total: number; page: number; pageSize: number; rows: ProductRow[] }> {
  const { sort, order, page, pageSize } = scope.input;
  const params: Params = { n: pageSize, offset: (page - 1) * pageSize };
  const countParams: Params = {};
  // Page order: the sort value (NULLS LAST), then product_id. A top-N sort keeps only the page's rows.
  const value = PRODUCT_SORTS[sort];
  const pageOrder = `${value} ${order === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, product_id`;
  const [[count], rows] = await Promise.all([
    scope.db.rows<{ total: number }>(activeProductsSql(scope, scope.filters, countParams), countParams),
    scope.db.rows<ShownRow>(
      labelledPageSql(
        scope,
        scope.filters,
        params,
        `SELECT product_id, views, carts, purchases, revenue_cents, events, price_weight_cents
         FROM (${rangeLayoutSql(scope, scope.filters) ?? `SELECT *, ${EVENTS} AS events FROM (${perProductSql(scope, scope.filters, params, '', SHOWN_MEASURES)})`})
         ORDER BY ${pageOrder} LIMIT $n OFFSET $offset`,
        pageOrder,
      ),
      params,
    ),
  ]);
  const labels = await productLabels(scope, scope.filters, rows, EVENTS);
  return {
    total: count?.total ?? 0,
    page,
    pageSize,
    rows: rows.map((r) => {
      const label = labels.get(r.product_id);
      return {
        productId: r.product_id,
        categoryL1: label?.category_l1 ?? 'unknown',
        categoryL2: label?.category_l2 ?? null,
        categoryL3: label?.category_l3 ?? null,
        brand: label?.brand ?? 'unknown',
        views: r.views,
        carts: r.carts,
        purchases: r.purchases,
        revenue: cents(r.revenue_cents / 100),
        conversionRate: ratio(r.purchases, r.views),
        avgPrice: r.events ? cents(r.price_weight_cents / r.events / 100) : null,
      };
    }),
  };
}

export interface TreeNode {
  name: string;
  revenue: number;
  views: number;
  purchases: number;
  children?: TreeNode[];
}

/** l1 → l2 → l3 with revenue, views and purchases at every level (`(none)` for a missing level). */
export async function categoryTree(scope: QueryScope): Promise<TreeNode[]> {
  const params: Params = {};
  const rows = await scope.db.rows<{ l1: string; l2: string; l3: string; revenue: number; views: number; purchases: number }>(
    `SELECT category_l1 AS l1, category_l2 AS l2, category_l3 AS l3, CAST(sum(revenue) AS DOUBLE) AS revenue, sum(views) AS views, sum(purchases) AS purchases
     FROM ${view(scope, 'category_daily')} ${whereFilters(scope.filters, params)} GROUP BY ALL ORDER BY l1, l2, l3`,
    params,
  );
  const roots = new Map<string, TreeNode & { byName: Map<string, TreeNode> }>();
  for (const r of rows) {
    let l1 = roots.get(r.l1);
    if (!l1) roots.set(r.l1, (l1 = { name: r.l1, revenue: 0, views: 0, purchases: 0, children: [], byName: new Map() }));
    let l2 = l1.byName.get(r.l2);
    if (!l2) {
      l2 = { name: r.l2, revenue: 0, views: 0, purchases: 0, children: [] };
      l1.byName.set(r.l2, l2);
      l1.children!.push(l2);
    }
    l2.children!.push({ name: r.l3, revenue: cents(r.revenue), views: r.views, purchases: r.purchases });
    for (const node of [l1, l2]) {
      node.revenue = cents(node.revenue + r.revenue);
      node.views += r.views;
      node.purchases += r.purchases;
    }
  }
  return [...roots.values()].map(({ byName: _byName, ...node }) => node).sort((a, b) => b.revenue - a.revenue);
}

export interface BrandRow {
  brand: string;
  products: number;
  views: number;
  carts: number;
  purchases: number;
  revenue: number;
  conversionRate: number | null;
  revenueShare: number | null;
}

export async function brands(scope: QueryScope<{ limit: number }>): Promise<{ totalRevenue: number; rows: BrandRow[] }> {
  const params: Params = { limit: scope.input.limit };
  const totals = brandTotalsSql(scope, params) ?? cumulativeBrandTotalsSql(scope, params);
  const rows = await scope.db.rows<{ brand: string; products: number; views: number; carts: number; purchases: number; revenue: number; total_revenue: number }>(
    `WITH brands AS (${totals})
     SELECT *, sum(revenue) OVER () AS total_revenue FROM brands ORDER BY revenue DESC, brand LIMIT $limit`,
    params,
  );
  const total = cents(rows[0]?.total_revenue ?? 0);
  return {
    totalRevenue: total,
    rows: rows.map((r) => ({ brand: r.brand, products: r.products, views: r.views, carts: r.carts, purchases: r.purchases, revenue: cents(r.revenue), conversionRate: ratio(r.purchases, r.views), revenueShare: ratio(r.revenue, total, 4) })),
  };
}

/** Brand totals over all categories from the brand companions (brand-ranges.ts); null when filtered by category or without them. */
function brandTotalsSql(scope: QueryScope, params: Params): string | null {
  if (scope.filters.categories.length > 0) return null;
  const own: Params = {};
  const sums = brandRangeSql(scope, scope.filters, own, scope.filters.brands);
  const products = brandProductsSql(scope, scope.filters, own, scope.filters.brands);
  if (!sums || !products) return null;
  Object.assign(params, own);
  return `SELECT brand, p.products, s.views, s.carts, s.purchases, CAST(s.revenue AS DOUBLE) AS revenue FROM (${products}) p JOIN (${sums}) s USING (brand)`;
}

/** Brand totals from gold.product_cumulative's rows (or product_daily's days without it), for any filter. */
function cumulativeBrandTotalsSql(scope: QueryScope, params: Params): string {
  const range = cumulativeRange(scope, scope.filters);
  const keys = `is_key ${whereFilters(scope.filters, params, { category: 'category_l1', brand: 'brand' }).replace(/^WHERE /, 'AND ')}`;
  const sums = (prefix: string) => `sum(views) AS ${prefix}views, sum(carts) AS ${prefix}carts, sum(purchases) AS ${prefix}purchases, sum(revenue_cents) AS ${prefix}revenue_cents`;
  // Brand totals are differences of the brand's summed running totals: no per-product join.
  return range
    ? `WITH upto AS (
         -- A product with one key is one product: only the few with several need a distinct count.
         SELECT brand, count(*) FILTER (WHERE product_keys = 1 AND ${activeIn(range, params)})
             + count(DISTINCT product_id) FILTER (WHERE product_keys > 1 AND ${activeIn(range, params)}) AS products, ${sums('')}
         FROM (${cumulativeRows(range, 'up_to', keys, params)}) GROUP BY brand
       ),
       before AS (SELECT brand, ${sums('b_')} FROM (${cumulativeRows(range, 'before', keys, params)}) GROUP BY brand)
       SELECT brand, products, views - coalesce(b_views, 0) AS views, carts - coalesce(b_carts, 0) AS carts, purchases - coalesce(b_purchases, 0) AS purchases,
         (revenue_cents - coalesce(b_revenue_cents, 0)) / 100 AS revenue
       FROM upto LEFT JOIN before USING (brand) WHERE products > 0`
    : `SELECT brand, count(DISTINCT product_id) AS products, sum(views) AS views, sum(carts) AS carts, sum(purchases) AS purchases, sum(revenue_cents) / 100 AS revenue
       FROM (${productRangeSql(scope, scope.filters, params, 'keys')}) WHERE ${EVENTS} > 0 GROUP BY brand`;
}

export async function priceBands(scope: QueryScope): Promise<Array<{ band: string; views: number; carts: number; purchases: number; revenue: number; conversionRate: number | null }>> {
  const params: Params = {};
  const rows = await scope.db.rows<{ band: string; views: number; carts: number; purchases: number; revenue: number }>(
    `SELECT price_band AS band, sum(views) AS views, sum(carts) AS carts, sum(purchases) AS purchases, CAST(sum(revenue) AS DOUBLE) AS revenue
     FROM ${view(scope, 'category_daily')} ${whereFilters(scope.filters, params)} GROUP BY price_band`,
    params,
  );
  return PRICE_BANDS.map(({ label }) => {
    const r = rows.find((x) => x.band === label);
    return { band: label, views: r?.views ?? 0, carts: r?.carts ?? 0, purchases: r?.purchases ?? 0, revenue: cents(r?.revenue), conversionRate: ratio(r?.purchases ?? 0, r?.views ?? 0) };
  });
}
