/**
 * Segments page queries. RFM, behaviour segments and cohorts come from the period models
 * (gold.user_summary, gold.cohort_retention), computed over everything loaded: the date and slice
 * filters do not narrow them (responses say `scope: 'period'`). New vs returning and sessions per
 * user follow the filters (gold.user_carryover for no filter or one category × brand pair, else
 * gold.session_facts); session length follows the date range.
 */
import type { Params } from '../lake/database';
import { sliceClause, sliceOf, userCounts, type Slice } from './slices';
import { cents, ratio, servingView, usable, view, whereFilters, type QueryScope } from './sql';

/** Users per RFM and behaviour segment: the small serving table, else user_summary itself. */
function segmentsSource(scope: QueryScope): string {
  return (
    servingView(scope, 'user_segments') ??
    `(SELECT rfm_segment, behaviour_segment, count(*) AS users, sum(sessions) AS sessions, sum(orders) AS orders, sum(revenue) AS revenue,
        sum(recency_days) AS recency_days_sum, count(recency_days) AS recency_users
      FROM ${view(scope, 'user_summary')} GROUP BY ALL)`
  );
}

export async function rfm(scope: QueryScope): Promise<{ scope: 'period'; segments: Array<{ segment: string; users: number; share: number | null; revenue: number; avgOrders: number | null; avgRecencyDays: number | null }> }> {
  const rows = await scope.db.rows<{ segment: string; users: number; revenue: number; orders: number; recency: number | null }>(
    `SELECT rfm_segment AS segment, sum(users) AS users, CAST(sum(revenue) AS DOUBLE) AS revenue, sum(orders) AS orders,
       sum(recency_days_sum) / nullif(sum(recency_users), 0) AS recency
     FROM ${segmentsSource(scope)} GROUP BY rfm_segment ORDER BY users DESC, segment`,
  );
  const total = rows.reduce((s, r) => s + r.users, 0);
  return {
    scope: 'period',
    segments: rows.map((r) => ({ segment: r.segment, users: r.users, share: ratio(r.users, total, 4), revenue: cents(r.revenue), avgOrders: ratio(r.orders, r.users, 3), avgRecencyDays: r.recency === null ? null : Math.round(r.recency * 10) / 10 })),
  };
}

export async function behaviour(scope: QueryScope): Promise<{ scope: 'period'; segments: Array<{ segment: string; users: number; share: number | null; sessions: number; revenue: number }> }> {
  const rows = await scope.db.rows<{ segment: string; users: number; sessions: number; revenue: number }>(
    `SELECT behaviour_segment AS segment, sum(users) AS users, sum(sessions) AS sessions, CAST(sum(revenue) AS DOUBLE) AS revenue
     FROM ${segmentsSource(scope)} GROUP BY behaviour_segment`,
  );
  const total = rows.reduce((s, r) => s + r.users, 0);
  const order = ['browser', 'carter', 'buyer'];
  return {
    scope: 'period',
    segments: order.map((segment) => {
      const r = rows.find((x) => x.segment === segment);
      return { segment, users: r?.users ?? 0, share: ratio(r?.users ?? 0, total, 4), sessions: r?.sessions ?? 0, revenue: cents(r?.revenue) };
    }),
  };
}

export async function cohorts(scope: QueryScope): Promise<{ scope: 'period'; cohorts: Array<{ cohortWeek: string; users: number; retention: Array<{ weekOffset: number; activeUsers: number; rate: number }> }> }> {
  const rows = await scope.db.rows<{ cohort_week: string; week_offset: number; cohort_users: number; active_users: number; retention_rate: number }>(
    `SELECT CAST(cohort_week AS VARCHAR) AS cohort_week, week_offset, cohort_users, active_users, CAST(retention_rate AS DOUBLE) AS retention_rate
     FROM ${view(scope, 'cohort_retention')} ORDER BY cohort_week, week_offset`,
  );
  const byWeek = new Map<string, { cohortWeek: string; users: number; retention: Array<{ weekOffset: number; activeUsers: number; rate: number }> }>();
  for (const r of rows) {
    let c = byWeek.get(r.cohort_week);
    if (!c) byWeek.set(r.cohort_week, (c = { cohortWeek: r.cohort_week, users: r.cohort_users, retention: [] }));
    c.retention.push({ weekOffset: r.week_offset, activeUsers: r.active_users, rate: r.retention_rate });
  }
  return { scope: 'period', cohorts: [...byWeek.values()] };
}

/** Users active in the filtered range, split by whether their first activity ever falls inside it. */
export async function newVsReturning(scope: QueryScope): Promise<{ newUsers: number; returningUsers: number; newShare: number | null; newRevenue: number; returningRevenue: number }> {
  const slice = sliceOf(scope, scope.filters);
  const row = slice.level === 'pair' || (slice.level === 'all' && usable(scope, 'user_carryover', 'distinct_carryover')) ? await newUsersFromCarryover(scope, slice) : await newUsersFromFacts(scope);
  return {
    newUsers: row.new_users,
    returningUsers: row.returning_users,
    newShare: ratio(row.new_users, row.new_users + row.returning_users, 4),
    newRevenue: cents(row.new_revenue),
    returningRevenue: cents(row.returning_revenue),
  };
}

interface NewUsersRow {
  new_users: number;
  returning_users: number;
  new_revenue: number | null;
  returning_revenue: number | null;
}

/**
 * New users are those first active (anywhere) on or after `from`: in user_carryover they are the users
 * whose first date in the slice is in range with no earlier date and bound_date (first active date)
 * ≥ from; date-only, gold.distinct_carryover rows with no previous date. Revenue by first active date.
 */
async function newUsersFromCarryover(scope: QueryScope, slice: Slice): Promise<NewUsersRow> {
  const params: Params = { from: scope.filters.from, to: scope.filters.to };
  const inRange = 'event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)';
  const users =
    slice.level === 'pair'
      ? `SELECT sum(n) FILTER (WHERE prev_date IS NULL OR prev_date < CAST($from AS DATE)) AS users,
           sum(n) FILTER (WHERE prev_date IS NULL AND bound_date >= CAST($from AS DATE)) AS new_users
         FROM ${view(scope, 'user_carryover')} WHERE slice_level = 'category_brand' ${sliceClause(slice, params)} AND measure = 'user' AND ${inRange}`
      : `SELECT sum(n) FILTER (WHERE prev_date IS NULL OR prev_date < CAST($from AS DATE)) AS users, sum(n) FILTER (WHERE prev_date IS NULL) AS new_users
         FROM ${view(scope, 'distinct_carryover')} WHERE entity = 'user' AND ${inRange}`;
  const [row] = await scope.db.rows<{ users: number | null; new_users: number | null; revenue: number | null; new_revenue: number | null }>(
    `WITH u AS (${users}),
     r AS (
       SELECT CAST(sum(revenue) AS DOUBLE) AS revenue, CAST(sum(revenue) FILTER (WHERE bound_date >= CAST($from AS DATE)) AS DOUBLE) AS new_revenue
       FROM ${view(scope, 'user_carryover')} WHERE slice_level = '${slice.level === 'pair' ? 'category_brand' : 'all'}' ${slice.level === 'pair' ? 'AND category_l1 = $category AND brand = $brand' : ''}
         AND measure = 'revenue' AND ${inRange}
     )
     SELECT * FROM u, r`,
    params,
  );
  const newUsers = Number(row?.new_users ?? 0);
  const newRevenue = Number(row?.new_revenue ?? 0);
  return { new_users: newUsers, returning_users: Number(row?.users ?? 0) - newUsers, new_revenue: newRevenue, returning_revenue: Number(row?.revenue ?? 0) - newRevenue };
}

async function newUsersFromFacts(scope: QueryScope): Promise<NewUsersRow> {
  const params: Params = {};
  const [row] = await scope.db.rows<NewUsersRow>(
    `WITH active AS (
       SELECT user_key, sum(revenue) AS revenue FROM ${view(scope, 'session_facts')} ${whereFilters(scope.filters, params)} GROUP BY user_key
     ),
     labelled AS (SELECT a.revenue, u.first_seen_date >= CAST($from AS DATE) AS is_new FROM active a JOIN ${view(scope, 'user_summary')} u USING (user_key))
     SELECT count(*) FILTER (WHERE is_new) AS new_users, count(*) FILTER (WHERE NOT is_new) AS returning_users,
            CAST(sum(revenue) FILTER (WHERE is_new) AS DOUBLE) AS new_revenue, CAST(sum(revenue) FILTER (WHERE NOT is_new) AS DOUBLE) AS returning_revenue
     FROM labelled`,
    params,
  );
  return row;
}

const SESSION_COUNT_BUCKETS = ['1', '2', '3', '4–5', '6–10', '11+'] as const;
/** Lower bound of each bucket, and the user_carryover measure counting users with at least that many sessions. */
const BUCKET_FLOORS = [1, 2, 3, 4, 6, 11] as const;

function bucketOf(n: number): (typeof SESSION_COUNT_BUCKETS)[number] {
  for (let i = BUCKET_FLOORS.length - 1; i >= 0; i--) if (n >= BUCKET_FLOORS[i]) return SESSION_COUNT_BUCKETS[i];
  return SESSION_COUNT_BUCKETS[0];
}

/** Users by number of distinct sessions in the filtered range. */
export async function sessionsPerUser(scope: QueryScope): Promise<Array<{ bucket: string; users: number; share: number | null }>> {
  const slice = sliceOf(scope, scope.filters);
  const fromCarryover = slice.level === 'pair' || (slice.level === 'all' && usable(scope, 'user_carryover', 'distinct_carryover'));
  const counts = fromCarryover ? await sessionBucketsFromCarryover(scope, slice) : await sessionBucketsFromFacts(scope);
  const total = SESSION_COUNT_BUCKETS.reduce((s, b) => s + counts[b], 0);
  return SESSION_COUNT_BUCKETS.map((bucket) => ({ bucket, users: counts[bucket], share: ratio(counts[bucket], total, 4) }));
}

type Buckets = Record<(typeof SESSION_COUNT_BUCKETS)[number], number>;

async function sessionBucketsFromFacts(scope: QueryScope): Promise<Buckets> {
  const params: Params = {};
  const rows = await scope.db.rows<{ n: number; users: number }>(
    `WITH per_user AS (SELECT user_key, count(DISTINCT session_key) AS n FROM ${view(scope, 'session_facts')} ${whereFilters(scope.filters, params)} GROUP BY user_key)
     SELECT least(n, 11) AS n, count(*) AS users FROM per_user GROUP BY 1`,
    params,
  );
  const out = Object.fromEntries(SESSION_COUNT_BUCKETS.map((b) => [b, 0])) as Buckets;
  for (const r of rows) out[bucketOf(r.n)] += r.users;
  return out;
}

/**
 * Users with at least k sessions in range from user_carryover ('sessions_k' rows cover users without
 * irregular sessions), plus the users with irregular sessions counted from their own rows.
 */
async function sessionBucketsFromCarryover(scope: QueryScope, slice: Slice): Promise<Buckets> {
  const params: Params = { from: scope.filters.from, to: scope.filters.to };
  const inRange = 'event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)';
  const clause = sliceClause(slice, params);
  const level = slice.level === 'pair' ? 'category_brand' : 'all';
  const [users, steps, irregular] = await Promise.all([
    userCounts(scope, scope.filters, slice),
    scope.db.rows<{ measure: string; n: number }>(
      `SELECT measure, sum(n) AS n FROM ${view(scope, 'user_carryover')}
       WHERE slice_level = '${level}' ${clause} AND measure LIKE 'sessions_%' AND ${inRange}
         AND (prev_date IS NULL OR prev_date < CAST($from AS DATE)) AND bound_date <= CAST($to AS DATE)
       GROUP BY measure`,
      params,
    ),
    scope.db.rows<{ n: number; users: number }>(
      `WITH per_user AS (SELECT user_key, count(DISTINCT session_key) AS n FROM ${view(scope, 'irregular_session_facts')} WHERE ${inRange} ${clause} GROUP BY user_key)
       SELECT least(n, 11) AS n, count(*) AS users FROM per_user GROUP BY 1`,
      params,
    ),
  ]);
  // at[i]: users without irregular sessions having at least BUCKET_FLOORS[i] sessions in range.
  const irregularUsers = irregular.reduce((s, r) => s + r.users, 0);
  const at = BUCKET_FLOORS.map((k) => (k === 1 ? users.users - irregularUsers : Number(steps.find((r) => r.measure === `sessions_${k}`)?.n ?? 0)));
  const out = Object.fromEntries(SESSION_COUNT_BUCKETS.map((b, i) => [b, at[i] - (at[i + 1] ?? 0)])) as Buckets;
  for (const r of irregular) out[bucketOf(r.n)] += r.users;
  return out;
}

const EVENTS_BUCKETS = ['1', '2–3', '4–5', '6–10', '11–20', '21–50', '51–200', '200+'];
const DURATION_BUCKETS = ['<10s', '10s–1m', '1–5m', '5–15m', '15–30m', '30–60m', '1h+'];

/** Sessions started in the date range by event count and by duration (date filter only). */
export async function sessionLength(scope: QueryScope): Promise<{
  byEvents: Array<{ bucket: string; sessions: number; convertedSessions: number }>;
  byDuration: Array<{ bucket: string; sessions: number; convertedSessions: number }>;
  botLikeSessions: number;
}> {
  const params: Params = {};
  const rows = await scope.db.rows<{ events_bucket: string; duration_bucket: string; sessions: number; converted: number; bot_like: number }>(
    `SELECT events_bucket, duration_bucket, sum(sessions) AS sessions, sum(converted_sessions) AS converted, sum(bot_like_sessions) AS bot_like
     FROM ${view(scope, 'session_distribution')} ${whereFilters(scope.filters, params, { date: 'session_start_date' })} GROUP BY ALL`,
    params,
  );
  const collect = (buckets: readonly string[], key: 'events_bucket' | 'duration_bucket') =>
    buckets.map((bucket) => {
      const matching = rows.filter((r) => r[key] === bucket);
      return { bucket, sessions: matching.reduce((s, r) => s + r.sessions, 0), convertedSessions: matching.reduce((s, r) => s + r.converted, 0) };
    });
  return { byEvents: collect(EVENTS_BUCKETS, 'events_bucket'), byDuration: collect(DURATION_BUCKETS, 'duration_bucket'), botLikeSessions: rows.reduce((s, r) => s + r.bot_like, 0) };
}
