/** Products page queries: top products, category tree, brands, price bands. */
import { PRICE_BANDS } from '../../pipeline/layers/gold/model';
import type { Params } from '../lake/database';
import { cents, ratio, view, whereFilters, type QueryScope, type ResolvedFilters } from './sql';

/** Sort keys → SQL expressions over the aggregated columns (never user text). */
export const PRODUCT_SORTS = {
  revenue: 'revenue',
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

/**
 * Per (product, category, brand) totals over the filtered range: the difference of two rows of the
 * cumulative serving table (serving.ts), at the last date ≤ `to` and the last date < `from`. Without
 * that table (it is built from product_daily), the days of product_daily are summed.
 */
export function productRangeSql(scope: QueryScope, filters: ResolvedFilters, params: Params): string {
  const cumulative = scope.state.derived.product_cumulative;
  const dates = scope.state.dates.product_daily;
  const slice = whereFilters(filters, params, { category: 'category_l1', brand: 'brand' }).replace(/^WHERE /, 'AND ');
  if (!cumulative || !dates) {
    // product_keys = 2: every product goes through the per-product grouping of the callers.
    return `
SELECT product_id, category_l1, brand, 2 AS product_keys, any_value(category_l2) AS category_l2, any_value(category_l3) AS category_l3,
  sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
  CAST(sum(revenue) * 100 AS BIGINT) AS revenue_cents, sum(abandoned_carts) AS abandoned_carts, CAST(sum(abandoned_value) * 100 AS BIGINT) AS abandoned_cents,
  CAST(sum(CAST(avg_price * 100 AS BIGINT) * (views + carts + removals + purchases)) AS BIGINT) AS price_weight_cents
FROM ${view(scope, 'product_daily')} ${whereFilters(filters, params)} GROUP BY product_id, category_l1, brand`;
  }
  const upTo = lastDate(dates, (d) => d <= filters.to);
  const before = lastDate(dates, (d) => d < filters.from);
  const columns = 'product_id, category_l1, brand, product_keys, category_l2, category_l3';
  if (!upTo || upTo < filters.from) return `SELECT ${columns}, ${MEASURES.join(', ')} FROM ${cumulative} WHERE false`;
  params.up_to = upTo;
  if (!before) return `SELECT ${columns}, ${MEASURES.join(', ')} FROM ${cumulative} WHERE event_date = CAST($up_to AS DATE) ${slice}`;
  params.before = before;
  return `
SELECT ${columns.split(', ').map((c) => `t.${c}`).join(', ')},
  ${MEASURES.map((m) => `t.${m} - coalesce(b.${m}, 0) AS ${m}`).join(', ')}
FROM (SELECT * FROM ${cumulative} WHERE event_date = CAST($up_to AS DATE) ${slice}) t
LEFT JOIN (SELECT product_key, ${MEASURES.join(', ')} FROM ${cumulative} WHERE event_date = CAST($before AS DATE) ${slice}) b USING (product_key)`;
}

const MEASURES = ['views', 'carts', 'removals', 'purchases', 'revenue_cents', 'abandoned_carts', 'abandoned_cents', 'price_weight_cents'];

/**
 * One row per product over rows of productRangeSql: products with one (category, brand) pass through;
 * the few seen under several are summed, shown with the one with most `rank` (then greatest labels).
 */
export function perProductSql(ranged: string, rank: string): string {
  const key = `(${rank}, category_l1, brand)`;
  return `
SELECT product_id, category_l1, category_l2, category_l3, brand, ${MEASURES.join(', ')} FROM ${ranged} WHERE product_keys = 1
UNION ALL
SELECT product_id, arg_max(category_l1, ${key}), arg_max(category_l2, ${key}), arg_max(category_l3, ${key}), arg_max(brand, ${key}),
  ${MEASURES.map((m) => `sum(${m})`).join(', ')}
FROM ${ranged} WHERE product_keys > 1 GROUP BY product_id`;
}


function lastDate(dates: readonly string[], accept: (d: string) => boolean): string | undefined {
  for (let i = dates.length - 1; i >= 0; i--) if (accept(dates[i])) return dates[i];
  return undefined;
}

export async function top(scope: QueryScope<TopProductsInput>): Promise<{ total: number; page: number; pageSize: number; rows: ProductRow[] }> {
  const { sort, order, page, pageSize } = scope.input;
  const params: Params = { limit: pageSize, offset: (page - 1) * pageSize };
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  const sql = `
WITH ranged AS (${productRangeSql(scope, scope.filters, params)}),
per_product AS (${perProductSql('ranged', 'views + carts + removals + purchases')}),
products AS (
  SELECT product_id, category_l1, category_l2, category_l3, brand, views, carts, purchases, revenue_cents / 100 AS revenue,
    price_weight_cents / nullif(views + carts + removals + purchases, 0) / 100 AS avg_price
  FROM per_product WHERE views + carts + removals + purchases > 0
)
SELECT *, count(*) OVER () AS total FROM products
ORDER BY ${PRODUCT_SORTS[sort]} ${direction} NULLS LAST, product_id LIMIT $limit OFFSET $offset`;
  const rows = await scope.db.rows<{ product_id: number; category_l1: string; category_l2: string | null; category_l3: string | null; brand: string; views: number; carts: number; purchases: number; revenue: number; avg_price: number | null; total: number }>(sql, params);
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && page > 1) {
    const countParams: Params = {};
    const [c] = await scope.db.rows<{ n: number }>(
      `SELECT count(DISTINCT product_id) AS n FROM (${productRangeSql(scope, scope.filters, countParams)}) WHERE views + carts + removals + purchases > 0`,
      countParams,
    );
    total = c.n;
  }
  return {
    total,
    page,
    pageSize,
    rows: rows.map((r) => ({
      productId: r.product_id,
      categoryL1: r.category_l1,
      categoryL2: r.category_l2,
      categoryL3: r.category_l3,
      brand: r.brand,
      views: r.views,
      carts: r.carts,
      purchases: r.purchases,
      revenue: cents(r.revenue),
      conversionRate: ratio(r.purchases, r.views),
      avgPrice: r.avg_price === null ? null : cents(r.avg_price),
    })),
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
  const rows = await scope.db.rows<{ brand: string; products: number; views: number; carts: number; purchases: number; revenue: number; total_revenue: number }>(
    `WITH ranged AS (${productRangeSql(scope, scope.filters, params)}),
     brands AS (
       SELECT brand, count(DISTINCT product_id) AS products, sum(views) AS views, sum(carts) AS carts, sum(purchases) AS purchases, sum(revenue_cents) / 100 AS revenue
       FROM ranged WHERE views + carts + removals + purchases > 0 GROUP BY brand
     )
     SELECT *, sum(revenue) OVER () AS total_revenue FROM brands ORDER BY revenue DESC, brand LIMIT $limit`,
    params,
  );
  const total = cents(rows[0]?.total_revenue ?? 0);
  return {
    totalRevenue: total,
    rows: rows.map((r) => ({ brand: r.brand, products: r.products, views: r.views, carts: r.carts, purchases: r.purchases, revenue: cents(r.revenue), conversionRate: ratio(r.purchases, r.views), revenueShare: ratio(r.revenue, total, 4) })),
  };
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
