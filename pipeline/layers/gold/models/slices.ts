/**
 * Serving models for filtered distinct counts (the API's category / brand filters). Section 3 counts
 * sessions and users exactly over a whole filtered range; summing daily distinct counts would count
 * a session or user once per day. These tables make the exact answer a sum over a few rows:
 *
 * - slice_daily: per day and category (or everything), the session counts of that day;
 * - brand_daily: the same per day and brand;
 * - irregular_session_facts: the session_facts rows of the few sessions that span several dates or
 *   carry several users (and all rows of their users): the corrections that turn per-day sums and
 *   per-row sums into exact range counts;
 * - user_carryover: per category × brand pair, users on their first active date inside a range, how
 *   many sessions they reach by which date, and revenue by the users' first active date.
 *
 * A "regular" session has one user and one date, so in a category × brand pair it is exactly one
 * session_facts row: over one pair, sessions with a view / cart / purchase are row counts, and only
 * irregular sessions need counting by key (see server/queries/slices.ts).
 */
import { defineModel } from '../model';

/** Sessions of silver.sessions that span several dates or carry several user ids. */
const IRREGULAR_SESSIONS = 'SELECT session_key FROM g_irregular_sessions';

/** The event sums and session counts SESSION_COUNTS defines (columns of slice_daily, brand_daily and pair_daily). */
export const EVENT_SUM_COLUMNS = ['views', 'carts', 'removals', 'purchases', 'revenue'] as const;
export const SESSION_COUNT_COLUMNS = ['sessions', 'view_sessions', 'cart_sessions', 'purchase_sessions', 'abandoned_sessions', 'abandoned_value'] as const;

/** Counts over rows of one (day, slice, session): event counts, revenue, and sessions by what they did. */
const SESSION_COUNTS = `
    sum(views)::BIGINT AS views, sum(carts)::BIGINT AS carts, sum(removals)::BIGINT AS removals, sum(purchases)::BIGINT AS purchases,
    sum(revenue)::DECIMAL(18, 2) AS revenue,
    count(*) AS sessions,
    count(*) FILTER (WHERE views > 0) AS view_sessions,
    count(*) FILTER (WHERE carts > 0) AS cart_sessions,
    count(*) FILTER (WHERE purchases > 0) AS purchase_sessions,
    count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS abandoned_sessions,
    coalesce(sum(cart_value) FILTER (WHERE carts > 0 AND purchases = 0), 0)::DECIMAL(18, 2) AS abandoned_value`;

/** One row per (key columns, session) of the chunk's session rows: event counts, revenue and cart value. */
const sessionRows = (keys: string) => `
  SELECT ${keys}, session_key, sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
    sum(revenue) AS revenue, sum(cart_value) AS cart_value
  FROM g_session_rows GROUP BY ${keys}, session_key`;

export const sliceDaily = defineModel({
  name: 'slice_daily',
  kind: 'daily',
  grain: "one row per (event_date, slice_level, category_l1): slice_level 'all' (category_l1 NULL) or 'category'",
  description:
    'Per day, for everything and for each category: event counts, revenue and the distinct sessions of that day with a view, cart, purchase, ' +
    'or a cart and no purchase (abandoned, with its cart value). Exact per day; over a range, sessions that span several dates are corrected ' +
    'with irregular_session_facts. The same per brand is gold.brand_daily.',
  sql: `
WITH category_sessions AS (${sessionRows('event_date, category_l1')}
),
day_sessions AS (
  SELECT event_date, session_key, sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
    sum(revenue) AS revenue, sum(cart_value) AS cart_value
  FROM category_sessions GROUP BY event_date, session_key
),
final AS (
  SELECT event_date, 'all' AS slice_level, CAST(NULL AS VARCHAR) AS category_l1, ${SESSION_COUNTS} FROM day_sessions GROUP BY event_date
  UNION ALL
  SELECT event_date, 'category', category_l1, ${SESSION_COUNTS} FROM category_sessions GROUP BY event_date, category_l1
)
SELECT * FROM final ORDER BY event_date, slice_level, category_l1`,
});

export const brandDaily = defineModel({
  name: 'brand_daily',
  kind: 'daily',
  grain: 'one row per (event_date, brand)',
  description:
    'Per day and brand (all categories): event counts, revenue and the distinct sessions of that day with a view, cart, purchase, or a cart ' +
    'and no purchase (abandoned, with its cart value). A session that met a brand in several categories counts once. Exact per day; over a ' +
    'range, sessions that span several dates are corrected with irregular_session_facts (the funnel per brand).',
  sql: `
WITH brand_sessions AS (${sessionRows('event_date, brand')}
),
final AS (
  SELECT event_date, brand, ${SESSION_COUNTS} FROM brand_sessions GROUP BY event_date, brand
)
SELECT * FROM final ORDER BY event_date, brand`,
});

export const pairDaily = defineModel({
  name: 'pair_daily',
  kind: 'daily',
  grain: 'one row per (event_date, category_l1, brand)',
  description:
    'gold.session_facts summed per day and category × brand pair, its rows counted by what they did. A regular session (one user, one date) ' +
    'is one row of its pair, so over one pair these row counts are session counts except for irregular sessions (irregular_session_facts corrects those).',
  sql: `
WITH final AS (
  SELECT event_date, category_l1, brand, ${SESSION_COUNTS} FROM g_session_rows GROUP BY event_date, category_l1, brand
)
SELECT * FROM final ORDER BY category_l1, brand`,
});

export const irregularSessionFacts = defineModel({
  name: 'irregular_session_facts',
  kind: 'period',
  grain: 'one session_facts row (event_date, category_l1, brand, session, user) of every user who has an irregular session',
  description:
    'Irregular sessions span several dates or carry several user ids (silver.sessions); is_irregular_session marks their rows. ' +
    "The other rows are the same users' regular sessions, so per-user session counts of these users can be taken here exactly.",
  sql: `
WITH facts AS NOT MATERIALIZED (SELECT * FROM g_facts),
irregular AS (${IRREGULAR_SESSIONS}),
irregular_rows AS (SELECT session_key, user_key FROM facts SEMI JOIN irregular USING (session_key)),
users AS (SELECT DISTINCT user_key FROM irregular_rows),
final AS (
  SELECT f.*, f.session_key IN (SELECT session_key FROM irregular) AS is_irregular_session
  FROM facts f SEMI JOIN users USING (user_key)
)
SELECT * FROM final ORDER BY event_date, category_l1, brand`,
  merge: { kind: 'rows', orderBy: 'event_date, category_l1, brand' },
});

/** Days since 1970 in the low 24 bits, the pair id above them: one sortable BIGINT per (pair, day). */
const DAY_BITS = 24;
const DAY_MASK = (1 << DAY_BITS) - 1;
const pairOf = (pk: string) => `(${pk} >> ${DAY_BITS})`;
const dayOf = (pk: string) => `DATE '1970-01-01' + CAST(${pk} & ${DAY_MASK} AS INTEGER)`;
/** k-th session from a user's first session of a day in the slice, for the sessions-per-user buckets. */
const SESSION_STEPS = [2, 3, 4, 6, 11] as const;

export const userCarryover = defineModel({
  name: 'user_carryover',
  kind: 'period',
  grain:
    "rows per (slice_level, category_l1, brand, measure, event_date, prev_date, bound_date) that add up (additive: an incremental run appends its change); slice_level 'category_brand' or 'all'",
  description:
    'Exact user counts per category × brand pair over any date range, from few rows. For each user and pair, chained by active date: ' +
    "measure 'user': users active on event_date whose previous active date in the pair was prev_date (NULL: none; then bound_date = the user's first active date anywhere). " +
    "Users in [from, to] = sum(n) where event_date in range and (prev_date is null or prev_date < from); new users add bound_date >= from. 'buyer': the same over purchases. " +
    "'sessions_k' (k = 2, 3, 4, 6, 11; users without irregular sessions): the user's k-th session from their first session on event_date falls on bound_date, so users " +
    "with at least k sessions in [from, to] = sum(n) where event_date in range, prev_date before from or null and bound_date <= to (slice_level 'all': every session). " +
    "'revenue': revenue on event_date of users first active on bound_date.",
  sql: `
WITH facts AS NOT MATERIALIZED (SELECT event_date, category_l1, brand, session_key, user_key, purchases, revenue FROM g_facts),
pairs AS (
  SELECT category_l1, brand, CAST(row_number() OVER (ORDER BY category_l1, brand) AS BIGINT) AS pair_id
  FROM (SELECT DISTINCT category_l1, brand FROM facts)
),
irregular AS (${IRREGULAR_SESSIONS}),
irregular_users AS (SELECT DISTINCT user_key FROM facts SEMI JOIN irregular USING (session_key)),
-- One row per session and pair (pair 0: the session itself, from silver.sessions), keyed by pair and day.
activity AS (
  SELECT (p.pair_id << ${DAY_BITS}) | CAST(f.event_date - DATE '1970-01-01' AS BIGINT) AS pk, f.session_key, f.user_key, f.purchases, f.revenue
  FROM facts f JOIN pairs p USING (category_l1, brand)
  UNION ALL
  SELECT CAST(session_start_date - DATE '1970-01-01' AS BIGINT), session_key, user_key, 0, 0 FROM g_sessions
),
chained AS MATERIALIZED (
  SELECT pk, session_key, user_key, purchases > 0 AS bought, revenue, first_day,
    CASE WHEN ${pairOf('lag_pk')} = ${pairOf('pk')} THEN lag_pk END AS prev_pk,
    ${pairOf('lead_pk')} = ${pairOf('pk')} AS has_next
  FROM (
    SELECT *, lag(pk) OVER w AS lag_pk, lead(pk) OVER w AS lead_pk,
      min(pk & ${DAY_MASK}) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_day
    FROM activity
    WINDOW w AS (PARTITION BY user_key ORDER BY pk, session_key)
  )
),
-- Users with two or more sessions in a pair (few rows): the day of their k-th session from each first session of a day.
stepped AS (
  SELECT pk, prev_pk, ${SESSION_STEPS.map((k) => `lead(pk, ${k - 1}) OVER w AS k${k}`).join(', ')}
  FROM chained
  WHERE (prev_pk IS NOT NULL OR has_next) AND user_key NOT IN (SELECT user_key FROM irregular_users)
  WINDOW w AS (PARTITION BY user_key, ${pairOf('pk')} ORDER BY pk, session_key)
  QUALIFY prev_pk IS DISTINCT FROM pk
),
buyer_chain AS (
  SELECT pk, lag(pk) OVER (PARTITION BY user_key, ${pairOf('pk')} ORDER BY pk) AS prev_pk
  FROM (SELECT DISTINCT pk, user_key FROM chained WHERE bought)
),
counted AS (
  -- A user's first session row of each day in a pair (later rows of the same day repeat the day).
  SELECT ${pairOf('pk')} AS pair_id, 'user' AS measure, pk, prev_pk, CASE WHEN prev_pk IS NULL THEN first_day END AS bound_day, count(*) AS n, NULL AS revenue
  FROM chained WHERE pk > ${DAY_MASK} AND prev_pk IS DISTINCT FROM pk GROUP BY ALL
  UNION ALL
  SELECT ${pairOf('pk')}, 'buyer', pk, prev_pk, NULL, count(*), NULL FROM buyer_chain GROUP BY ALL
  ${SESSION_STEPS.map(
    (k) => `UNION ALL
  SELECT ${pairOf('pk')}, 'sessions_${k}', pk, prev_pk, k${k} & ${DAY_MASK}, count(*), NULL FROM stepped WHERE k${k} IS NOT NULL GROUP BY ALL`,
  ).join('\n  ')}
  UNION ALL
  SELECT ${pairOf('pk')}, 'revenue', pk, NULL, first_day, NULL, sum(revenue) FROM chained WHERE revenue > 0 GROUP BY ALL
  UNION ALL
  SELECT 0, 'revenue', pk & ${DAY_MASK}, NULL, first_day, NULL, sum(revenue) FROM chained WHERE revenue > 0 GROUP BY ALL
),
final AS (
  SELECT CASE WHEN c.pair_id = 0 THEN 'all' ELSE 'category_brand' END AS slice_level, p.category_l1, p.brand, c.measure,
    ${dayOf('c.pk')} AS event_date,
    CASE WHEN c.prev_pk IS NOT NULL THEN ${dayOf('c.prev_pk')} END AS prev_date,
    CASE WHEN c.bound_day IS NOT NULL THEN DATE '1970-01-01' + CAST(c.bound_day AS INTEGER) END AS bound_date,
    CAST(c.n AS BIGINT) AS n, CAST(c.revenue AS DECIMAL(18, 2)) AS revenue
  FROM counted c LEFT JOIN pairs p USING (pair_id)
)
SELECT * FROM final ORDER BY slice_level, category_l1, brand, measure, event_date`,
  // Pair ids are internal (rows carry category_l1 and brand), so any numbering of the touched pairs will do.
  merge: { kind: 'additive', sums: ['n', 'revenue'], orderBy: 'slice_level, category_l1, brand, measure, event_date' },
});
