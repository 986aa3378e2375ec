/**
 * How each gold table is served. Most gold tables are small next to the 2 GiB budget of the API
 * process once compressed, so each version is copied into its own compressed in-memory DuckDB
 * database (sorted so the filters of the queries skip row groups by their zone maps), once, when a
 * state first uses it: queries then never open Parquet files. gold.session_facts (tens of millions
 * of rows at full scale) stays a view over its Parquet files, sorted by date, category and brand, so a
 * category × brand filter reads few row groups. Two tables are read only through derived forms built
 * here from a snapshot: product totals as cumulative sums per product and date (so a date range is
 * two lookups per product, not a sum over every day), user segments pre-aggregated, and
 * session_facts summed per day and category × brand pair.
 */
import type { GoldTable } from './gold-tables';

export interface ServingSpec {
  /** `memory`: copied into memory in this order; `parquet`: a view over the snapshot's files. */
  mode: 'memory' | 'parquet';
  orderBy?: string;
}

/** Tables not listed are copied into memory in file order. */
export const SERVING: Partial<Record<GoldTable, ServingSpec>> = {
  session_facts: { mode: 'parquet' },
  product_daily: { mode: 'parquet' },
  user_summary: { mode: 'parquet' },
  category_daily: { mode: 'memory', orderBy: 'event_date, category_l1, brand' },
  hourly_activity: { mode: 'memory', orderBy: 'event_date, category_l1, brand' },
  time_to_purchase: { mode: 'memory', orderBy: 'event_date, category_l1, brand' },
  slice_daily: { mode: 'memory', orderBy: 'slice_level, category_l1, event_date' },
  brand_daily: { mode: 'memory', orderBy: 'event_date, brand' },
  user_carryover: { mode: 'memory', orderBy: 'slice_level, category_l1, brand, measure, event_date' },
  irregular_session_facts: { mode: 'memory', orderBy: 'category_l1, brand, event_date' },
  distinct_carryover: { mode: 'memory', orderBy: 'entity, event_date' },
};

export function servingSpec(table: GoldTable): ServingSpec {
  return SERVING[table] ?? { mode: 'memory' };
}

/** Tables built from one gold table's snapshot, named after that table's version. */
export const DERIVED = {
  product_cumulative: 'product_daily',
  user_segments: 'user_summary',
  pair_daily: 'session_facts',
} as const satisfies Record<string, GoldTable>;

export type DerivedTable = keyof typeof DERIVED;

/**
 * Per (product, category, brand) and every date from its first activity on: running totals up to and
 * including that date (`is_key` rows). Totals over [from, to] = row at `to` − row at `from - 1`
 * (absent: zero). Products seen under several categories or brands also get a row summing their
 * keys, so exactly one `is_product` row per product answers requests without a category or brand
 * filter with no grouping. Money is kept in cents (BIGINT) so the differences are exact.
 */
export function productCumulativeSql(source: string): string {
  const measures = ['views', 'carts', 'removals', 'purchases', 'revenue_cents', 'abandoned_carts', 'abandoned_cents', 'price_weight_cents'];
  return `
WITH daily AS (SELECT * FROM ${source}),
keys AS (
  SELECT product_id, category_l1, brand, min(event_date) AS first_date,
    any_value(category_l2) AS category_l2, any_value(category_l3) AS category_l3
  FROM daily GROUP BY product_id, category_l1, brand
),
numbered AS (
  -- An integer key per (product, category, brand) in table order.
  SELECT *, CAST(row_number() OVER (ORDER BY category_l1, brand, product_id) AS INTEGER) AS product_key,
    CAST(count(*) OVER (PARTITION BY product_id) AS INTEGER) AS product_keys
  FROM keys
),
dates AS (SELECT DISTINCT event_date FROM daily),
dense AS (
  SELECT n.product_key, n.product_keys, n.product_id, n.category_l1, n.brand, n.category_l2, n.category_l3, d.event_date
  FROM numbered n JOIN dates d ON d.event_date >= n.first_date
),
filled AS (
  SELECT k.*, coalesce(x.views, 0) AS views, coalesce(x.carts, 0) AS carts, coalesce(x.removals, 0) AS removals,
    coalesce(x.purchases, 0) AS purchases, coalesce(CAST(x.revenue * 100 AS BIGINT), 0) AS revenue_cents,
    coalesce(x.abandoned_carts, 0) AS abandoned_carts, coalesce(CAST(x.abandoned_value * 100 AS BIGINT), 0) AS abandoned_cents,
    -- avg_price is per day; the range average weights it by the day's events, as the page always did.
    coalesce(CAST(x.avg_price * 100 AS BIGINT) * (x.views + x.carts + x.removals + x.purchases), 0) AS price_weight_cents
  FROM dense k LEFT JOIN daily x USING (product_id, category_l1, brand, event_date)
),
all_rows AS (
  SELECT event_date, product_key, product_keys, product_id, category_l1, brand, category_l2, category_l3, true AS is_key, product_keys = 1 AS is_product,
    ${measures.join(', ')}
  FROM filled
  UNION ALL
  SELECT event_date, CAST(min(product_key) + (SELECT count(*) FROM numbered) AS INTEGER), max(product_keys), product_id, NULL, NULL, NULL, NULL, false, true,
    ${measures.map((m) => `sum(${m})`).join(', ')}
  FROM filled WHERE product_keys > 1 GROUP BY event_date, product_id
)
SELECT event_date, product_key, product_keys, product_id, category_l1, brand, category_l2, category_l3, is_key, is_product,
  ${measures.map((m) => `CAST(sum(${m}) OVER w AS BIGINT) AS ${m}`).join(',\n  ')}
FROM all_rows
WINDOW w AS (PARTITION BY product_key ORDER BY event_date)
ORDER BY event_date, product_key`;
}

/** Users per (RFM segment, behaviour segment) with the sums the segments page shows. */
export function userSegmentsSql(source: string): string {
  return `
SELECT rfm_segment, behaviour_segment, count(*) AS users, CAST(sum(sessions) AS BIGINT) AS sessions, CAST(sum(orders) AS BIGINT) AS orders,
  CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue, CAST(sum(recency_days) AS BIGINT) AS recency_days_sum, count(recency_days) AS recency_users
FROM ${source} GROUP BY rfm_segment, behaviour_segment`;
}

/**
 * session_facts summed per (event_date, category_l1, brand), with its rows counted by what they did.
 * A regular session (one user, one date) is one row of its pair, so over one pair these row counts
 * are session counts except for irregular sessions (queries/slices.ts corrects those).
 */
export function pairDailySql(source: string): string {
  return `
SELECT event_date, category_l1, brand,
  sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases, CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue,
  count(*) AS sessions, count(*) FILTER (WHERE views > 0) AS view_sessions, count(*) FILTER (WHERE carts > 0) AS cart_sessions,
  count(*) FILTER (WHERE purchases > 0) AS purchase_sessions, count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS abandoned_sessions,
  CAST(coalesce(sum(cart_value) FILTER (WHERE carts > 0 AND purchases = 0), 0) AS DECIMAL(18, 2)) AS abandoned_value
FROM ${source} GROUP BY event_date, category_l1, brand
ORDER BY category_l1, brand, event_date`;
}

export function derivedSql(kind: DerivedTable, source: string): string {
  if (kind === 'product_cumulative') return productCumulativeSql(source);
  if (kind === 'pair_daily') return pairDailySql(source);
  return userSegmentsSql(source);
}
