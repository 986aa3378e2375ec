/**
 * Segments page queries. RFM, behaviour segments and cohorts come from the period models
 * (gold.user_summary, gold.cohort_retention), computed over everything loaded: the date and slice
 * filters do not narrow them (responses say `scope: 'period'`). New vs returning and sessions per
 * user follow the filters (from gold.session_facts); session length follows the date range.
 */
import type { Params } from '../lake/database';
import { cents, ratio, view, whereFilters, type QueryScope } from './sql';

export async function rfm(scope: QueryScope): Promise<{ scope: 'period'; segments: Array<{ segment: string; users: number; share: number | null; revenue: number; avgOrders: number | null; avgRecencyDays: number | null }> }> {
  const rows = await scope.db.rows<{ segment: string; users: number; revenue: number; orders: number; recency: number | null }>(
    `SELECT rfm_segment AS segment, count(*) AS users, CAST(sum(revenue) AS DOUBLE) AS revenue, sum(orders) AS orders, avg(recency_days) AS recency
     FROM ${view(scope, 'user_summary')} GROUP BY rfm_segment ORDER BY users DESC, segment`,
  );
  const total = rows.reduce((s, r) => s + r.users, 0);
  return {
    scope: 'period',
    segments: rows.map((r) => ({ segment: r.segment, users: r.users, share: ratio(r.users, total, 4), revenue: cents(r.revenue), avgOrders: ratio(r.orders, r.users, 3), avgRecencyDays: r.recency === null ? null : Math.round(r.recency * 10) / 10 })),
  };
}

export async function behaviour(scope: QueryScope): Promise<{ scope: 'period'; segments: Array<{ segment: string; users: number; share: number | null; sessions: number; revenue: number }> }> {
  const rows = await scope.db.rows<{ segment: string; users: number; sessions: number; revenue: number }>(
    `SELECT behaviour_segment AS segment, count(*) AS users, sum(sessions) AS sessions, CAST(sum(revenue) AS DOUBLE) AS revenue
     FROM ${view(scope, 'user_summary')} GROUP BY behaviour_segment`,
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
  const params: Params = {};
  const [row] = await scope.db.rows<{ new_users: number; returning_users: number; new_revenue: number | null; returning_revenue: number | null }>(
    `WITH active AS (
       SELECT user_key, sum(revenue) AS revenue FROM ${view(scope, 'session_facts')} ${whereFilters(scope.filters, params)} GROUP BY user_key
     ),
     labelled AS (SELECT a.revenue, u.first_seen_date >= CAST($from AS DATE) AS is_new FROM active a JOIN ${view(scope, 'user_summary')} u USING (user_key))
     SELECT count(*) FILTER (WHERE is_new) AS new_users, count(*) FILTER (WHERE NOT is_new) AS returning_users,
            CAST(sum(revenue) FILTER (WHERE is_new) AS DOUBLE) AS new_revenue, CAST(sum(revenue) FILTER (WHERE NOT is_new) AS DOUBLE) AS returning_revenue
     FROM labelled`,
    params,
  );
  return {
    newUsers: row.new_users,
    returningUsers: row.returning_users,
    newShare: ratio(row.new_users, row.new_users + row.returning_users, 4),
    newRevenue: cents(row.new_revenue),
    returningRevenue: cents(row.returning_revenue),
  };
}

const SESSION_COUNT_BUCKETS = ['1', '2', '3', '4–5', '6–10', '11+'] as const;

/** Users by number of distinct sessions in the filtered range. */
export async function sessionsPerUser(scope: QueryScope): Promise<Array<{ bucket: string; users: number; share: number | null }>> {
  const params: Params = {};
  const rows = await scope.db.rows<{ bucket: string; users: number }>(
    `WITH per_user AS (SELECT user_key, count(DISTINCT session_key) AS n FROM ${view(scope, 'session_facts')} ${whereFilters(scope.filters, params)} GROUP BY user_key)
     SELECT CASE WHEN n = 1 THEN '1' WHEN n = 2 THEN '2' WHEN n = 3 THEN '3' WHEN n <= 5 THEN '4–5' WHEN n <= 10 THEN '6–10' ELSE '11+' END AS bucket, count(*) AS users
     FROM per_user GROUP BY bucket`,
    params,
  );
  const total = rows.reduce((s, r) => s + r.users, 0);
  return SESSION_COUNT_BUCKETS.map((bucket) => {
    const users = rows.find((r) => r.bucket === bucket)?.users ?? 0;
    return { bucket, users, share: ratio(users, total, 4) };
  });
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
