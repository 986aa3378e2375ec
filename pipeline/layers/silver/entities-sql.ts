/**
 * SQL models for the silver entity tables, kept up to date from each batch of new silver.events.
 *
 * silver.sessions — grain: one row per user_session (see sessionsFromAggregatesSql).
 * silver.products — grain: one row per product_id, with its latest attributes (category, brand, price
 * of its most recent event), when it was first and last seen, its distinct prices and how often its
 * price changed.
 */
import { sessionKeySql } from '../session-key';
import { utcDateSql } from '../utc-sql';

/**
 * Per-session aggregates that merge: counts add, times take min/max, first/last values follow the
 * times. A batch's aggregates can therefore be folded into the stored rows of the same sessions
 * without reading the sessions' older events again.
 */
export function sessionAggregatesSql(events: string): string {
  return `
WITH imports AS (
  SELECT user_session, user_id, event_time, event_type, price, category_l1 FROM ${events}
),
final AS (
  SELECT
    user_session,
    arg_min(user_id, event_time) AS user_id,
    min(user_id) AS min_user_id,
    max(user_id) AS max_user_id,
    min(event_time) AS session_start_at,
    max(event_time) AS session_end_at,
    count(*) AS event_count,
    count(*) FILTER (WHERE event_type = 'view') AS views,
    count(*) FILTER (WHERE event_type = 'cart') AS carts,
    count(*) FILTER (WHERE event_type = 'remove_from_cart') AS removals,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
    coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0)::DECIMAL(18, 2) AS revenue,
    arg_min(category_l1, event_time) AS first_category_l1,
    arg_max(category_l1, event_time) AS last_category_l1
  FROM imports
  GROUP BY user_session
)
SELECT * FROM final`;
}

/** Folds batch aggregates `b` into stored sessions `o` (same columns; sessions missing from o pass through). */
export function mergeSessionAggregatesSql(batch: string, old: string): string {
  return `
SELECT
  b.user_session,
  CASE WHEN o.user_session IS NULL OR b.session_start_at < o.session_start_at THEN b.user_id ELSE o.user_id END AS user_id,
  least(b.min_user_id, o.min_user_id) AS min_user_id,
  greatest(b.max_user_id, o.max_user_id) AS max_user_id,
  least(b.session_start_at, o.session_start_at) AS session_start_at,
  greatest(b.session_end_at, o.session_end_at) AS session_end_at,
  b.event_count + coalesce(o.event_count, 0) AS event_count,
  b.views + coalesce(o.views, 0) AS views,
  b.carts + coalesce(o.carts, 0) AS carts,
  b.removals + coalesce(o.removals, 0) AS removals,
  b.purchases + coalesce(o.purchases, 0) AS purchases,
  (b.revenue + coalesce(o.revenue, 0))::DECIMAL(18, 2) AS revenue,
  CASE WHEN o.user_session IS NULL OR b.session_start_at < o.session_start_at THEN b.first_category_l1 ELSE o.first_category_l1 END AS first_category_l1,
  CASE WHEN o.user_session IS NULL OR b.session_end_at >= o.session_end_at THEN b.last_category_l1 ELSE o.last_category_l1 END AS last_category_l1
FROM ${batch} b LEFT JOIN ${old} o USING (user_session)`;
}

/**
 * silver.sessions rows from aggregates: grain one row per user_session, partitioned by the UTC date
 * the session started. A few real sessions carry more than one user id: \`user_id\` is the user of
 * the first event and \`has_multiple_users\` flags them. \`session_key\` (63 bits of MD5, the gold
 * pseudonym) lets a run find the stored rows of its sessions by a number rather than a 36-character id.
 */
export function sessionsFromAggregatesSql(aggregates: string): string {
  return `
SELECT
  user_session, user_id, min_user_id <> max_user_id AS has_multiple_users,
  session_start_at, session_end_at,
  CAST(epoch(session_end_at) - epoch(session_start_at) AS BIGINT) AS duration_seconds,
  ${utcDateSql('session_start_at')} AS session_start_date,
  event_count, views, carts, removals, purchases, revenue,
  first_category_l1, last_category_l1,
  purchases > 0 AS is_converted,
  min_user_id, max_user_id,
  ${sessionKeySql('user_session')} AS session_key
FROM ${aggregates}`;
}

/** silver.products' columns, in order, from per-product aggregates carrying \`prices\`. */
const PRODUCT_COLUMNS = `product_id, category_id, category_code, category_l1, category_l2, category_l3, brand, latest_price, min_price, max_price,
  CAST(len(prices) - 1 AS BIGINT) AS price_changes, attributes_changed, first_seen_at, last_seen_at, event_count, purchases, prices`;

/**
 * Per-product aggregates of `events` in silver.products' shape. Every column merges (see
 * mergeProductsSql): `prices` is the sorted set of distinct prices (so price_changes = its length − 1
 * stays exact across batches), and a product whose brand and category code never changed has exactly
 * one of each, its latest.
 */
export function productsSql(events: string): string {
  return `
WITH imports AS (
  SELECT product_id, event_time, event_type, price, category_id, category_code, category_l1, category_l2, category_l3, brand FROM ${events}
),
aggregated AS (
  SELECT
    product_id,
    arg_max(category_id, event_time) AS category_id,
    arg_max(category_code, event_time) AS category_code,
    arg_max(category_l1, event_time) AS category_l1,
    arg_max(category_l2, event_time) AS category_l2,
    arg_max(category_l3, event_time) AS category_l3,
    arg_max(brand, event_time) AS brand,
    arg_max(price, event_time) AS latest_price,
    min(price) AS min_price,
    max(price) AS max_price,
    list(DISTINCT price ORDER BY price) AS prices,
    count(DISTINCT coalesce(brand, '')) > 1 OR count(DISTINCT coalesce(category_code, '')) > 1 AS attributes_changed,
    min(event_time) AS first_seen_at,
    max(event_time) AS last_seen_at,
    count(*) AS event_count,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases
  FROM imports
  GROUP BY product_id
),
final AS (
  SELECT ${PRODUCT_COLUMNS}
  FROM aggregated
)
SELECT * FROM final`;
}

/** Latest non-NULL value of a column over two sides (arg_max skips NULLs; so does this). */
const latestOf = (column: string) =>
  `CASE WHEN o.product_id IS NULL OR b.last_seen_at >= o.last_seen_at THEN coalesce(b.${column}, o.${column}) ELSE coalesce(o.${column}, b.${column}) END AS ${column}`;

/**
 * silver.products after a batch: the batch's aggregates `batch` (productsSql over the new events)
 * folded into the stored rows `stored`; products the batch did not touch pass through. Equal to
 * productsSql over all events (tested), without reading the older events again.
 */
export function mergeProductsSql(batch: string, stored: string): string {
  return `
WITH b AS (SELECT * FROM ${batch}),
o AS (SELECT * FROM ${stored} WHERE product_id IN (SELECT product_id FROM b)),
merged AS (
  SELECT
    b.product_id,
    ${['category_id', 'category_code', 'category_l1', 'category_l2', 'category_l3', 'brand', 'latest_price'].map(latestOf).join(',\n    ')},
    least(b.min_price, o.min_price) AS min_price,
    greatest(b.max_price, o.max_price) AS max_price,
    list_sort(list_distinct(list_concat(b.prices, coalesce(o.prices, [])))) AS prices,
    coalesce(o.attributes_changed, false) OR b.attributes_changed
      OR (o.product_id IS NOT NULL AND (coalesce(o.brand, '') <> coalesce(b.brand, '') OR coalesce(o.category_code, '') <> coalesce(b.category_code, ''))) AS attributes_changed,
    least(b.first_seen_at, o.first_seen_at) AS first_seen_at,
    greatest(b.last_seen_at, o.last_seen_at) AS last_seen_at,
    b.event_count + coalesce(o.event_count, 0) AS event_count,
    b.purchases + coalesce(o.purchases, 0) AS purchases
  FROM b LEFT JOIN o USING (product_id)
)
SELECT ${PRODUCT_COLUMNS}
FROM merged
UNION ALL BY NAME
SELECT * FROM ${stored} WHERE product_id NOT IN (SELECT product_id FROM b)`;
}
