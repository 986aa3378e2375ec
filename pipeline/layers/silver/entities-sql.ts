/**
 * SQL models for the silver entity tables, rebuilt from silver.events.
 *
 * silver.sessions — grain: one row per user_session. A few real sessions carry more than one user id;
 * `user_id` is the user of the session's first event and `user_count` says how many there were.
 *
 * silver.products — grain: one row per product_id, with its latest attributes (category, brand, price
 * of its most recent event), when it was first and last seen, and how often its price changed.
 */

export function sessionsSql(events: string): string {
  return `
WITH imports AS (
  SELECT user_session, user_id, event_time, event_type, price, category_l1 FROM ${events}
),
final AS (
  SELECT
    user_session,
    arg_min(user_id, event_time) AS user_id,
    count(DISTINCT user_id) AS user_count,
    min(event_time) AS session_start_at,
    max(event_time) AS session_end_at,
    CAST(epoch(max(event_time)) - epoch(min(event_time)) AS BIGINT) AS duration_seconds,
    CAST(min(event_time) AS DATE) AS session_start_date,
    count(*) AS event_count,
    count(*) FILTER (WHERE event_type = 'view') AS views,
    count(*) FILTER (WHERE event_type = 'cart') AS carts,
    count(*) FILTER (WHERE event_type = 'remove_from_cart') AS removals,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
    coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0)::DECIMAL(18, 2) AS revenue,
    arg_min(category_l1, event_time) AS first_category_l1,
    arg_max(category_l1, event_time) AS last_category_l1,
    count(*) FILTER (WHERE event_type = 'purchase') > 0 AS is_converted
  FROM imports
  GROUP BY user_session
)
SELECT * FROM final`;
}

export function productsSql(events: string): string {
  return `
WITH imports AS (
  SELECT product_id, event_time, event_type, price, category_id, category_code, category_l1, category_l2, category_l3, brand FROM ${events}
),
final AS (
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
    count(DISTINCT price) - 1 AS price_changes,
    count(DISTINCT coalesce(brand, '')) > 1 OR count(DISTINCT coalesce(category_code, '')) > 1 AS attributes_changed,
    min(event_time) AS first_seen_at,
    max(event_time) AS last_seen_at,
    count(*) AS event_count,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases
  FROM imports
  GROUP BY product_id
)
SELECT * FROM final`;
}
