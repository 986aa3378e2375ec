/**
 * Period gold models: computed over everything loaded. An incremental run folds the change of the
 * users and sessions it touched into each table (see `merge` and period-stage.ts).
 */
import { defineModel } from '../model';
import { irregularSessionFacts, userCarryover } from './slices';

/** Per-user aggregates of user_summary (its columns before scoring), from sessions. */
const USER_AGGREGATES = `
  SELECT
    user_key,
    min(session_start_date) AS first_seen_date,
    max(session_end_at)::DATE AS last_seen_date,
    count(DISTINCT session_start_date) AS active_days,
    count(*) AS sessions,
    sum(views)::BIGINT AS views, sum(carts)::BIGINT AS carts, sum(purchases)::BIGINT AS purchases,
    count(*) FILTER (WHERE is_converted) AS orders,
    sum(revenue)::DECIMAL(18, 2) AS revenue,
    max(session_end_at) FILTER (WHERE is_converted)::DATE AS last_purchase_date
  FROM g_sessions GROUP BY user_key`;

const USER_COLUMNS = 'user_key, first_seen_date, last_seen_date, active_days, sessions, views, carts, purchases, orders, revenue, last_purchase_date';

/**
 * RFM scores over all users' aggregates (the relation `users`). Scores rank every buyer, so an
 * incremental run re-scores the whole narrow table; user_key breaks ties so equal buyers score the
 * same in every run. Ranking the buyers alone (a tenth of the users) and joining the scores back is
 * several times faster than windows over every user's whole row. No ORDER BY: keys are uniform
 * hashes, so sorted row groups would let no query skip any, and sorting the wide rows cost seconds.
 */
const scoredUsersSql = (users: string) => `
WITH period AS (SELECT last_date FROM g_period),
buyer_scores AS (
  SELECT user_key,
    ntile(5) OVER (ORDER BY last_purchase_date, user_key) AS r_score,
    ntile(5) OVER (ORDER BY orders, revenue, user_key) AS f_score,
    ntile(5) OVER (ORDER BY revenue, user_key) AS m_score
  FROM ${users} WHERE orders > 0
),
scored AS (
  SELECT u.*,
    CASE WHEN orders > 0 THEN datediff('day', last_purchase_date, p.last_date) END AS recency_days,
    b.r_score, b.f_score, b.m_score
  FROM ${users} u CROSS JOIN period p LEFT JOIN buyer_scores b USING (user_key)
),
final AS (
  SELECT *,
    CASE
      WHEN orders = 0 AND carts > 0 THEN 'Cart abandoners'
      WHEN orders = 0 THEN 'Browsers'
      WHEN r_score >= 4 AND f_score >= 4 THEN 'Champions'
      WHEN f_score >= 4 THEN 'Loyal customers'
      WHEN r_score >= 4 AND orders = 1 THEN 'New customers'
      WHEN r_score >= 3 AND f_score >= 2 THEN 'Potential loyalists'
      WHEN r_score <= 2 AND f_score >= 3 THEN 'At risk'
      WHEN r_score <= 2 THEN 'Hibernating'
      ELSE 'Need attention'
    END AS rfm_segment,
    CASE WHEN orders > 0 THEN 'buyer' WHEN carts > 0 THEN 'carter' ELSE 'browser' END AS behaviour_segment,
    date_trunc('week', first_seen_date)::DATE AS cohort_week
  FROM scored
)
SELECT * FROM final`;

export const userSummary = defineModel({
  name: 'user_summary',
  kind: 'period',
  grain: 'one row per user (keyed pseudonym)',
  description:
    'RFM scores and segments over the loaded period, behaviour segment, first/last activity and cohort week. user_key is the keyed pseudonym: the first 60 bits of HMAC-SHA-256(CLICKLAKE_PSEUDONYM_KEY, user_id).',
  sql: `WITH users AS MATERIALIZED (${USER_AGGREGATES}) SELECT * FROM (${scoredUsersSql('users')})`,
  // Touched users' aggregates replace their stored ones (a user's share is their own row); then all
  // are re-scored. The stored table is read once: __replaced marks its rows of touched users.
  merge: {
    kind: 'custom',
    staged: ({ stored, old, new: now }) => `
      SELECT ${USER_COLUMNS}, user_key IN (SELECT user_key FROM ${old} UNION ALL SELECT user_key FROM ${now}) AS __replaced FROM ${stored}
      UNION ALL SELECT ${USER_COLUMNS}, NULL FROM ${now}`,
    // Touched users' old aggregates must be the stored ones.
    inconsistent: ({ old }, staged) => `
      SELECT count(*) AS n FROM (SELECT ${USER_COLUMNS} FROM ${old} EXCEPT ALL SELECT ${USER_COLUMNS} FROM ${staged} WHERE __replaced)`,
    result: (staged) => scoredUsersSql(`(SELECT ${USER_COLUMNS} FROM ${staged} WHERE __replaced IS NOT TRUE)`),
  },
});

export const cohortRetention = defineModel({
  name: 'cohort_retention',
  kind: 'period',
  grain: 'one row per (cohort_week, week_offset)',
  description: 'Weekly cohorts by first activity: share of the cohort active again N weeks later.',
  sql: `
WITH sessions AS (SELECT * FROM g_sessions),
firsts AS (
  SELECT user_key, date_trunc('week', min(session_start_date))::DATE AS cohort_week FROM sessions GROUP BY user_key
),
activity AS (
  SELECT DISTINCT s.user_key, f.cohort_week,
    CAST(datediff('week', f.cohort_week, date_trunc('week', s.session_start_date)::DATE) AS INTEGER) AS week_offset
  FROM sessions s JOIN firsts f USING (user_key)
),
sizes AS (SELECT cohort_week, count(*) AS cohort_users FROM firsts GROUP BY cohort_week),
final AS (
  SELECT a.cohort_week, a.week_offset, s.cohort_users, count(*) AS active_users,
    round(count(*) / s.cohort_users, 6) AS retention_rate
  FROM activity a JOIN sizes s USING (cohort_week)
  GROUP BY a.cohort_week, a.week_offset, s.cohort_users
)
SELECT * FROM final ORDER BY cohort_week, week_offset`,
  // Active users add up per (cohort, offset); every member is active at offset 0, so the merged
  // offset-0 sum of cohort_users is the cohort's size.
  merge: {
    kind: 'sums',
    sums: ['active_users', 'cohort_users'],
    derived: {
      columns: ['cohort_users', 'retention_rate'],
      sql: (merged) => `
        SELECT m.cohort_week, m.week_offset, s.cohort_users, m.active_users, round(m.active_users / s.cohort_users, 6) AS retention_rate
        FROM ${merged} m JOIN (SELECT cohort_week, cohort_users FROM ${merged} WHERE week_offset = 0) s USING (cohort_week)
        WHERE m.active_users > 0`,
    },
    orderBy: 'cohort_week, week_offset',
  },
});

export const sessionDistribution = defineModel({
  name: 'session_distribution',
  kind: 'period',
  grain: 'rows per (session_start_date, events_bucket, duration_bucket) that add up (additive: an incremental run appends its change)',
  description: 'Sessions by number of events and by duration, with conversions: the session-length distributions.',
  sql: `
WITH sessions AS (SELECT * FROM g_sessions),
final AS (
  SELECT
    session_start_date,
    CASE WHEN event_count = 1 THEN '1' WHEN event_count <= 3 THEN '2–3' WHEN event_count <= 5 THEN '4–5'
         WHEN event_count <= 10 THEN '6–10' WHEN event_count <= 20 THEN '11–20' WHEN event_count <= 50 THEN '21–50'
         WHEN event_count <= 200 THEN '51–200' ELSE '200+' END AS events_bucket,
    CASE WHEN duration_seconds < 10 THEN '<10s' WHEN duration_seconds < 60 THEN '10s–1m' WHEN duration_seconds < 300 THEN '1–5m'
         WHEN duration_seconds < 900 THEN '5–15m' WHEN duration_seconds < 1800 THEN '15–30m' WHEN duration_seconds < 3600 THEN '30–60m'
         ELSE '1h+' END AS duration_bucket,
    count(*) AS sessions,
    count(*) FILTER (WHERE is_converted) AS converted_sessions,
    count(*) FILTER (WHERE event_count > 200) AS bot_like_sessions,
    sum(event_count)::BIGINT AS events
  FROM sessions GROUP BY ALL
)
SELECT * FROM final ORDER BY session_start_date`,
  merge: { kind: 'additive', sums: ['sessions', 'converted_sessions', 'bot_like_sessions', 'events'], orderBy: 'session_start_date' },
});

export const distinctCarryover = defineModel({
  name: 'distinct_carryover',
  kind: 'period',
  grain: 'rows per (entity, event_date, prev_date) that add up (additive: an incremental run appends its change)',
  description:
    'Exact distinct counts over any date range without scanning facts: for each kind of entity (user, buyer, session, order, cart_session) and active date, ' +
    'how many entities were active that day whose previous active date was prev_date (NULL: never before). ' +
    'Distinct entities in [from, to] = sum(n) where event_date in [from, to] and (prev_date is null or prev_date < from).',
  sql: `
WITH facts AS NOT MATERIALIZED (SELECT * FROM g_facts),
activity AS (
  SELECT DISTINCT 'user' AS entity, user_key AS k, event_date FROM facts
  UNION ALL SELECT DISTINCT 'buyer', user_key, event_date FROM facts WHERE purchases > 0
  UNION ALL SELECT DISTINCT 'session', session_key, event_date FROM facts
  UNION ALL SELECT DISTINCT 'order', session_key, event_date FROM facts WHERE purchases > 0
  UNION ALL SELECT DISTINCT 'cart_session', session_key, event_date FROM facts WHERE carts > 0
),
chained AS (
  SELECT entity, event_date, lag(event_date) OVER (PARTITION BY entity, k ORDER BY event_date) AS prev_date FROM activity
),
final AS (
  SELECT entity, event_date, prev_date, count(*) AS n FROM chained GROUP BY ALL
)
SELECT * FROM final ORDER BY entity, event_date, prev_date`,
  merge: { kind: 'additive', sums: ['n'], orderBy: 'entity, event_date, prev_date' },
});

export const multiDaySessions = defineModel({
  name: 'multi_day_sessions',
  kind: 'period',
  grain: 'one row per (session, event_date) for sessions active on two or more dates',
  description:
    'The few sessions that cross midnight, with per-date cart/purchase flags: daily_kpis counts sessions per day, and these rows correct ' +
    'cart-abandonment counts over a multi-day range exactly (a cart on one day and the purchase on the next is not an abandonment).',
  sql: `
WITH multi AS (
  -- silver.sessions knows which sessions cross midnight: no grouping of every fact by session.
  SELECT session_key FROM g_sessions WHERE CAST(session_end_at AS DATE) <> session_start_date
),
facts AS (SELECT session_key, event_date, carts, purchases FROM g_facts SEMI JOIN multi USING (session_key)),
final AS (
  SELECT session_key, event_date, sum(carts) > 0 AS has_cart, sum(purchases) > 0 AS has_purchase
  FROM facts GROUP BY session_key, event_date
)
SELECT * FROM final ORDER BY session_key, event_date`,
  merge: { kind: 'rows', orderBy: 'session_key, event_date' },
});

export const PERIOD_MODELS = [userSummary, cohortRetention, sessionDistribution, distinctCarryover, multiDaySessions, irregularSessionFacts, userCarryover];
