/**
 * Exact section 3 counts over a date range without scanning gold.session_facts, for requests with no
 * category or brand filter. Three small tables suffice:
 * - daily_kpis: event counts and revenue are plain sums of the days;
 * - distinct_carryover: an entity (user, buyer, session, order, cart session) is counted once in
 *   [from, to] on its first active date inside the range, i.e. the row whose previous active date is
 *   before `from` (or none);
 * - multi_day_sessions: Σ daily abandoned sessions counts a session that crosses midnight once per
 *   day; its per-day rows replace those counts with one verdict over the range (a cart on one day
 *   and the purchase on the next is not an abandonment).
 * Older lakes and asOf states written before these tables existed fall back to session_facts.
 */
import type { Params } from '../lake/database';
import { view, type QueryScope, type ResolvedFilters } from './sql';

export interface RangeCounts {
  views: number | null;
  carts: number | null;
  removals: number | null;
  purchases: number | null;
  revenue: number | null;
  users: number;
  buyers: number;
  sessions: number;
  orders: number;
  cart_sessions: number;
  abandoned_sessions: number;
}

/** True when the date-only tables exist in the state the request reads. */
export function hasDateRangeTables(scope: Pick<QueryScope, 'state'>): boolean {
  const v = scope.state.versions;
  return v.distinct_carryover !== null && v.multi_day_sessions !== null;
}

/** Whether a request can be answered from the date-only tables. */
export function dateRangeApplies(scope: Pick<QueryScope, 'state'>, filters: ResolvedFilters): boolean {
  return filters.categories.length === 0 && filters.brands.length === 0 && hasDateRangeTables(scope);
}

export async function rangeCounts(scope: QueryScope, filters: Pick<ResolvedFilters, 'from' | 'to'>): Promise<RangeCounts> {
  const params: Params = { from: filters.from, to: filters.to };
  const inRange = 'event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)';
  const sql = `
WITH days AS (
  SELECT sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
    CAST(sum(revenue) AS DOUBLE) AS revenue, coalesce(sum(abandoned_sessions), 0) AS daily_abandoned
  FROM ${view(scope, 'daily_kpis')} WHERE ${inRange}
),
firsts AS (
  SELECT entity, n FROM ${view(scope, 'distinct_carryover')}
  WHERE ${inRange} AND (prev_date IS NULL OR prev_date < CAST($from AS DATE))
),
distincts AS (
  SELECT coalesce(sum(n) FILTER (WHERE entity = 'user'), 0) AS users,
    coalesce(sum(n) FILTER (WHERE entity = 'buyer'), 0) AS buyers,
    coalesce(sum(n) FILTER (WHERE entity = 'session'), 0) AS sessions,
    coalesce(sum(n) FILTER (WHERE entity = 'order'), 0) AS orders,
    coalesce(sum(n) FILTER (WHERE entity = 'cart_session'), 0) AS cart_sessions
  FROM firsts
),
multi AS (
  SELECT session_key, has_cart, has_purchase FROM ${view(scope, 'multi_day_sessions')} WHERE ${inRange}
),
multi_per_day AS (
  SELECT count(*) FILTER (WHERE has_cart AND NOT has_purchase) AS n FROM multi
),
multi_per_range AS (
  SELECT count(*) FILTER (WHERE has_cart AND NOT has_purchase) AS n
  FROM (SELECT session_key, bool_or(has_cart) AS has_cart, bool_or(has_purchase) AS has_purchase FROM multi GROUP BY session_key)
),
final AS (
  SELECT d.views, d.carts, d.removals, d.purchases, d.revenue, x.users, x.buyers, x.sessions, x.orders, x.cart_sessions,
    d.daily_abandoned - m.n + r.n AS abandoned_sessions
  FROM days d, distincts x, multi_per_day m, multi_per_range r
)
SELECT * FROM final`;
  const [row] = await scope.db.rows<RangeCounts>(sql, params);
  return row;
}
