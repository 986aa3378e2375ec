/**
 * Serving models derived from other gold tables (not from silver): the forms the API reads instead of
 * grouping large tables per request. Each records, as a lineage `txn` (lineage.ts), the version of its
 * source table it reflects, so a run rebuilds only what its source changed since — also after a run that stopped
 * between the source's commit and this one.
 *
 * - product_cumulative: running totals per product from gold.product_daily, partitioned by
 *   event_date. Partition d depends only on product_daily dates ≤ d, so a run recomputes the
 *   partitions from the first changed date on, starting from the partition before it.
 * - user_segments: gold.user_summary counted per segment (small; rebuilt whole).
 */

export const PRODUCT_MEASURES = ['views', 'carts', 'removals', 'purchases', 'revenue_cents', 'abandoned_carts', 'abandoned_cents', 'price_weight_cents'] as const;

export const productCumulative = {
  name: 'product_cumulative',
  source: 'product_daily',
  grain: 'one row per (event_date, product, category_l1, brand) from the key’s first active date on (is_key), plus one per (event_date, product) for products seen under several keys by then (is_product only)',
  description:
    'Running totals up to and including event_date (money in cents, exact). Totals over [from, to] = row at the last date ≤ to − row at the last date < from ' +
    '(only rows whose last_active_date, the latest date ≤ event_date with activity, is ≥ from changed) ' +
    '(absent: zero); join key rows on product_key, product rows on product_id. is_product marks exactly one row per product and date: the key row ' +
    'when the product has one key so far, else the summed row. product_keys = keys of the product up to that date.',
} as const;

export const userSegments = {
  name: 'user_segments',
  source: 'user_summary',
  grain: 'one row per (rfm_segment, behaviour_segment)',
  description: 'Users per RFM and behaviour segment with the sums the segments page shows (recency summed over buyers, with their count).',
} as const;

/** product_daily rows (`c_daily`) in cents, with the events weight of their average price. */
const DAILY_CTE = `daily AS (
  SELECT event_date, product_id, category_l1, brand, category_l2, category_l3, views, carts, removals, purchases,
    CAST(revenue * 100 AS BIGINT) AS revenue_cents, abandoned_carts, CAST(abandoned_value * 100 AS BIGINT) AS abandoned_cents,
    -- avg_price is per day; the range average weights it by the day's events.
    CAST(avg_price * 100 AS BIGINT) * (views + carts + removals + purchases) AS price_weight_cents
  FROM c_daily
)`;

/** The table's rows from `key_rows` (one per key and date, with product_keys): the key rows, plus a summed row per product seen under several keys. */
const FINAL_CTE = `final AS (
  SELECT event_date, product_key, product_keys, product_id, category_l1, brand, category_l2, category_l3,
    true AS is_key, product_keys = 1 AS is_product, last_active_date, ${PRODUCT_MEASURES.join(', ')}
  FROM key_rows
  UNION ALL
  SELECT event_date, CAST(NULL AS INTEGER), max(product_keys), product_id, NULL, NULL, NULL, NULL, false, true, max(last_active_date),
    ${PRODUCT_MEASURES.map((m) => `CAST(sum(${m}) AS BIGINT)`).join(', ')}
  FROM key_rows WHERE product_keys > 1 GROUP BY event_date, product_id
)`;

/** New keys continue after the largest of `c_prev`, numbered in (category_l1, brand, product_id) order. */
const NEW_KEY_SQL = 'CAST((SELECT coalesce(max(product_key), 0) FROM prev) + row_number() OVER (ORDER BY category_l1, brand, product_id) AS INTEGER)';

const summed = (m: string, right: string) => `CAST(coalesce(p.${m}, 0) + coalesce(${right}.${m}, 0) AS BIGINT) AS ${m}`;

/**
 * Partitions [first changed date …] of product_cumulative. Reads `c_prev` (the is_key rows of the
 * partition before the first changed date; empty for a whole rebuild) and `c_daily` (product_daily
 * from the first changed date on).
 */
export function productCumulativeSql(): string {
  return `
WITH prev AS (SELECT * FROM c_prev),
${DAILY_CTE},
new_keys AS (
  SELECT product_id, category_l1, brand, min(event_date) AS first_date
  FROM daily ANTI JOIN prev USING (product_id, category_l1, brand)
  GROUP BY product_id, category_l1, brand
),
keys AS (
  -- Keys keep their number; new ones continue after the largest.
  SELECT product_key, product_id, category_l1, brand, DATE '0001-01-01' AS first_date FROM prev
  UNION ALL
  SELECT ${NEW_KEY_SQL}, product_id, category_l1, brand, first_date
  FROM new_keys
),
active AS (
  -- Running totals on the dates a key was active, with the sub-categories it had then (a product can be recategorised).
  SELECT d.event_date, k.product_key, d.category_l2, d.category_l3,
    ${PRODUCT_MEASURES.map((m) => `sum(d.${m}) OVER w AS ${m}`).join(', ')}
  FROM daily d JOIN keys k USING (product_id, category_l1, brand)
  WINDOW w AS (PARTITION BY k.product_key ORDER BY d.event_date)
),
dates AS (SELECT DISTINCT event_date FROM daily),
dense AS (
  SELECT k.product_key, k.product_id, k.category_l1, k.brand, d.event_date FROM keys k JOIN dates d ON d.event_date >= k.first_date
),
key_counts AS (
  -- Keys per product and date, for the few products seen under several keys.
  SELECT k.product_id, d.event_date, CAST(count(*) AS INTEGER) AS product_keys
  FROM keys k JOIN dates d ON d.event_date >= k.first_date
  WHERE k.product_id IN (SELECT product_id FROM keys GROUP BY product_id HAVING count(*) > 1)
  GROUP BY k.product_id, d.event_date
),
key_rows AS (
  -- Each date takes the key's latest active date up to it (as-of), on top of the totals before the first recomputed date.
  SELECT k.event_date, k.product_key, coalesce(c.product_keys, 1) AS product_keys, k.product_id, k.category_l1, k.brand,
    CASE WHEN s.product_key IS NULL THEN p.category_l2 ELSE s.category_l2 END AS category_l2,
    CASE WHEN s.product_key IS NULL THEN p.category_l3 ELSE s.category_l3 END AS category_l3,
    coalesce(s.event_date, p.last_active_date) AS last_active_date,
    ${PRODUCT_MEASURES.map((m) => summed(m, 's')).join(',\n    ')}
  FROM dense k
  ASOF LEFT JOIN active s ON s.product_key = k.product_key AND s.event_date <= k.event_date
  LEFT JOIN prev p ON p.product_key = k.product_key
  LEFT JOIN key_counts c ON c.product_id = k.product_id AND c.event_date = k.event_date
),
${FINAL_CTE}
SELECT * FROM final`;
}

/**
 * The same as productCumulativeSql when `c_daily` holds one date, the table's last (a day's append):
 * that date's rows are the previous partition's plus the day's, so one full join of the two replaces
 * the running sums, the dense key × date grid and the as-of join. 0.75 → 0.38 s at the full month.
 */
export function productCumulativeNextDateSql(): string {
  return `
WITH prev AS (SELECT * FROM c_prev),
${DAILY_CTE},
joined AS (
  SELECT p.product_key, product_id, category_l1, brand,
    CASE WHEN d.product_id IS NULL THEN p.category_l2 ELSE d.category_l2 END AS category_l2,
    CASE WHEN d.product_id IS NULL THEN p.category_l3 ELSE d.category_l3 END AS category_l3,
    CASE WHEN d.product_id IS NULL THEN p.last_active_date ELSE d.event_date END AS last_active_date,
    ${PRODUCT_MEASURES.map((m) => summed(m, 'd')).join(',\n    ')}
  FROM prev p FULL JOIN daily d USING (product_id, category_l1, brand)
),
keys AS (
  SELECT * FROM joined WHERE product_key IS NOT NULL
  UNION ALL
  SELECT * REPLACE (${NEW_KEY_SQL} AS product_key) FROM joined WHERE product_key IS NULL
),
key_counts AS (SELECT product_id, CAST(count(*) AS INTEGER) AS product_keys FROM keys GROUP BY product_id HAVING count(*) > 1),
-- No rows at all when the date has none (as the general form: no date, no partition).
day AS (SELECT max(event_date) AS event_date FROM daily HAVING count(*) > 0),
key_rows AS (
  SELECT day.event_date, k.*, coalesce(c.product_keys, 1) AS product_keys
  FROM keys k CROSS JOIN day LEFT JOIN key_counts c USING (product_id)
),
${FINAL_CTE}
SELECT * FROM final`;
}

export function userSegmentsSql(source: string): string {
  return `
SELECT rfm_segment, behaviour_segment, count(*) AS users, CAST(sum(sessions) AS BIGINT) AS sessions, CAST(sum(orders) AS BIGINT) AS orders,
  CAST(sum(revenue) AS DECIMAL(18, 2)) AS revenue, CAST(sum(recency_days) AS BIGINT) AS recency_days_sum, count(recency_days) AS recency_users
FROM ${source} GROUP BY rfm_segment, behaviour_segment
ORDER BY rfm_segment, behaviour_segment`;
}
