/** Daily gold models: partitioned by event_date, rebuilt only for the dates a run touched. */
import { utcHourSql } from '../../utc-sql';
import { defineModel, priceBandSql } from '../model';
import { eventCounts } from './event-counts';
import { brandDaily, pairDaily, sliceDaily } from './slices';

export const dailyKpis = defineModel({
  name: 'daily_kpis',
  kind: 'daily',
  grain: 'one row per event_date',
  description: 'Section 3 metrics per day (distinct counts exact within the day), for trends and sparklines.',
  sql: `
-- From the chunk's per-session rows (g_session_rows), not the events: the same sums and distinct
-- sessions and users, over a fraction of the rows.
WITH session_rows AS (SELECT * FROM g_session_rows),
sessions AS (
  SELECT event_date, session_key, sum(carts) > 0 AS has_cart, sum(purchases) > 0 AS has_purchase
  FROM session_rows GROUP BY event_date, session_key
),
session_counts AS (
  SELECT event_date,
    count(*) FILTER (WHERE has_cart) AS cart_sessions,
    count(*) FILTER (WHERE has_cart AND NOT has_purchase) AS abandoned_sessions
  FROM sessions GROUP BY event_date
),
event_counts AS (
  SELECT event_date,
    CAST(sum(views + carts + removals + purchases) AS BIGINT) AS events,
    ${['views', 'carts', 'removals', 'purchases'].map((m) => `CAST(sum(${m}) AS BIGINT) AS ${m}`).join(', ')},
    sum(revenue)::DECIMAL(18, 2) AS revenue,
    count(DISTINCT user_key) AS users,
    count(DISTINCT user_key) FILTER (WHERE purchases > 0) AS buyers,
    count(DISTINCT session_key) AS sessions,
    count(DISTINCT session_key) FILTER (WHERE purchases > 0) AS orders
  FROM session_rows GROUP BY event_date
),
final AS (
  SELECT e.*, s.cart_sessions, s.abandoned_sessions
  FROM event_counts e JOIN session_counts s USING (event_date)
)
SELECT * FROM final`,
});

export const sessionFacts = defineModel({
  name: 'session_facts',
  kind: 'daily',
  grain: 'one row per (event_date, category_l1, brand, session, user)',
  description:
    'The compact fact table behind every filtered metric: summing counts and counting distinct session_key/user_key over any date range and category/brand filter gives exact section 3 numbers.',
  sql: `
-- g_session_rows groups the chunk's events by this grain once (gold.ts). A few real sessions carry
-- several user ids: the user is part of the grain so none is lost.
WITH final AS (
  SELECT event_date, category_l1, brand, session_key, user_key, views, carts, removals, purchases, revenue, cart_value FROM g_session_rows
)
SELECT * FROM final ORDER BY event_date, category_l1, brand`,
});

export const productDaily = defineModel({
  name: 'product_daily',
  kind: 'daily',
  grain: 'one row per (event_date, product_id, category_l1, brand)',
  description:
    'Product performance per day; abandoned_* count cart events in sessions of that day that bought nothing in the same category and brand slice.',
  sql: `
WITH events AS (SELECT * FROM g_events),
-- Session slices (date, category, brand, session) with a purchase, from the chunk's per-session rows:
-- a cart outside them is abandoned. Only cart events look them up (the key is NULL for the others).
bought AS (
  SELECT DISTINCT event_date, category_l1, brand AS brand_label, session_key FROM g_session_rows WHERE purchases > 0
),
final AS (
  SELECT
    e.event_date, e.product_id, e.category_l1,
    any_value(e.category_l2) AS category_l2, any_value(e.category_l3) AS category_l3,
    e.brand_label AS brand,
    ${eventCounts('e.')},
    count(*) FILTER (WHERE e.event_type = 'cart' AND b.session_key IS NULL) AS abandoned_carts,
    coalesce(sum(e.price) FILTER (WHERE e.event_type = 'cart' AND b.session_key IS NULL), 0)::DECIMAL(18, 2) AS abandoned_value,
    avg(e.price)::DECIMAL(12, 2) AS avg_price
  FROM events e
  LEFT JOIN bought b
    ON b.session_key = CASE WHEN e.event_type = 'cart' THEN e.session_key END
    AND b.event_date = e.event_date AND b.category_l1 = e.category_l1 AND b.brand_label = e.brand_label
  GROUP BY e.event_date, e.product_id, e.category_l1, e.brand_label
)
SELECT * FROM final ORDER BY event_date, category_l1, brand`,
});

export const categoryDaily = defineModel({
  name: 'category_daily',
  kind: 'daily',
  grain: 'one row per (event_date, category_l1, category_l2, category_l3, brand, price_band)',
  description: 'Event counts and revenue by category level, brand and price band: the treemap, brand and price-band views.',
  sql: `
WITH events AS (SELECT * FROM g_events),
final AS (
  SELECT
    event_date, category_l1, coalesce(category_l2, '(none)') AS category_l2, coalesce(category_l3, '(none)') AS category_l3,
    brand_label AS brand, ${priceBandSql('price')} AS price_band,
    ${eventCounts()},
    count(DISTINCT product_id) AS products
  FROM events
  GROUP BY ALL
)
SELECT * FROM final ORDER BY event_date, category_l1, brand`,
});

export const hourlyActivity = defineModel({
  name: 'hourly_activity',
  kind: 'daily',
  grain: 'one row per (event_date, hour UTC, category_l1, brand)',
  description: 'Activity by hour of day for the hour × weekday heatmap, weekday/weekend and intraday conversion.',
  sql: `
WITH events AS (SELECT * FROM g_events),
final AS (
  SELECT
    event_date, ${utcHourSql('event_time')} AS hour, CAST(isodow(event_date) AS INTEGER) AS iso_weekday,
    category_l1, brand_label AS brand,
    count(*) AS events,
    count(*) FILTER (WHERE event_type = 'view') AS views,
    count(*) FILTER (WHERE event_type = 'cart') AS carts,
    count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
    coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0)::DECIMAL(18, 2) AS revenue,
    count(DISTINCT session_key) AS sessions
  FROM events
  GROUP BY ALL
)
SELECT * FROM final ORDER BY event_date, hour`,
});

export const timeToPurchase = defineModel({
  name: 'time_to_purchase',
  kind: 'daily',
  grain: 'one row per (event_date, category_l1, brand, minutes_bucket)',
  description: 'Purchases by minutes from the first event of their session to the purchase.',
  sql: `
WITH events AS (SELECT * FROM g_events),
session_start AS (
  SELECT session_key, session_start_at AS started_at FROM g_session_starts
),
purchases AS (
  SELECT e.event_date, e.category_l1, e.brand_label AS brand,
    (epoch(e.event_time) - epoch(s.started_at)) / 60.0 AS minutes
  FROM events e JOIN session_start s USING (session_key)
  WHERE e.event_type = 'purchase'
),
final AS (
  SELECT event_date, category_l1, brand,
    CASE WHEN minutes < 1 THEN '0–1' WHEN minutes < 5 THEN '1–5' WHEN minutes < 15 THEN '5–15'
         WHEN minutes < 30 THEN '15–30' WHEN minutes < 60 THEN '30–60' WHEN minutes < 180 THEN '60–180' ELSE '180+' END AS minutes_bucket,
    count(*) AS purchases
  FROM purchases GROUP BY ALL
)
SELECT * FROM final ORDER BY event_date`,
});

export const DAILY_MODELS = [dailyKpis, sessionFacts, productDaily, categoryDaily, hourlyActivity, timeToPurchase, sliceDaily, brandDaily, pairDaily];
