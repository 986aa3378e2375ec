/**
 * Executive page queries. Date-only requests read section 3 numbers from the small date-range tables
 * (date-range.ts), one category or one category × brand pair from the slice tables (slices.ts); any
 * other filter from gold.session_facts (one row per event date × category × brand × session × user),
 * where counts and revenue are sums and distinct counts are exact over the whole filtered range.
 */
import type { Params } from '../lake/database';
import { brandRangeSql } from './brand-ranges';
import { rangeCounts, dateRangeApplies, type RangeCounts } from './date-range';
import { dailyCounts, sessionTotals, sliceOf, userCounts } from './slices';
import { addDays, cents, daysBetween, ratio, round, view, whereFilters, type QueryScope, type ResolvedFilters } from './sql';

export interface Kpis {
  views: number;
  carts: number;
  removals: number;
  purchases: number;
  revenue: number;
  users: number;
  buyers: number;
  sessions: number;
  orders: number;
  conversionRate: number | null;
  aov: number | null;
  cartAbandonmentRate: number | null;
  revenuePerUser: number | null;
}

export interface KpisResult {
  current: Kpis;
  /** The same number of days immediately before `from`; null when that period is not fully inside the data. */
  previous: Kpis | null;
  range: { from: string; to: string; days: number };
  previousRange: { from: string; to: string } | null;
}

type KpiRow = RangeCounts;

export async function kpisFor(scope: QueryScope, filters: ResolvedFilters): Promise<Kpis> {
  if (dateRangeApplies(scope, filters)) return toKpis(await rangeCounts(scope, filters));
  const slice = sliceOf(scope, filters);
  if (slice.level === 'scan') return kpisFromFacts(scope, filters);
  const [s, u] = await Promise.all([sessionTotals(scope, filters, slice), userCounts(scope, filters, slice)]);
  return toKpis({
    views: s.views,
    carts: s.carts,
    removals: s.removals,
    purchases: s.purchases,
    revenue: s.revenue,
    users: u.users,
    buyers: u.buyers,
    sessions: s.sessions,
    orders: s.purchase_sessions,
    cart_sessions: s.cart_sessions,
    abandoned_sessions: s.abandoned_sessions,
  });
}

/** The KPIs from session_facts (any filters; the reference the date-only path is tested against). */
export async function kpisFromFacts(scope: QueryScope, filters: ResolvedFilters): Promise<Kpis> {
  const params: Params = {};
  const sql = `
WITH facts AS (
  SELECT session_key, user_key, views, carts, removals, purchases, revenue
  FROM ${view(scope, 'session_facts')} ${whereFilters(filters, params)}
),
sessions AS (
  SELECT session_key, sum(carts) AS carts, sum(purchases) AS purchases FROM facts GROUP BY session_key
),
totals AS (
  SELECT sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
    CAST(sum(revenue) AS DOUBLE) AS revenue,
    count(DISTINCT user_key) AS users,
    count(DISTINCT user_key) FILTER (WHERE purchases > 0) AS buyers
  FROM facts
),
session_totals AS (
  SELECT count(*) AS sessions, count(*) FILTER (WHERE purchases > 0) AS orders,
    count(*) FILTER (WHERE carts > 0) AS cart_sessions,
    count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS abandoned_sessions
  FROM sessions
)
SELECT * FROM totals, session_totals`;
  const [row] = await scope.db.rows<KpiRow>(sql, params);
  return toKpis(row);
}

export function toKpis(row: KpiRow): Kpis {
  const revenue = cents(row.revenue);
  return {
    views: row.views ?? 0,
    carts: row.carts ?? 0,
    removals: row.removals ?? 0,
    purchases: row.purchases ?? 0,
    revenue,
    users: row.users,
    buyers: row.buyers,
    sessions: row.sessions,
    orders: row.orders,
    conversionRate: ratio(row.orders, row.sessions),
    aov: row.orders ? round(revenue / row.orders, 2) : null,
    cartAbandonmentRate: ratio(row.abandoned_sessions, row.cart_sessions),
    revenuePerUser: row.users ? round(revenue / row.users, 2) : null,
  };
}

export function previousRange(scope: QueryScope): { from: string; to: string } | null {
  const { from, to } = scope.filters;
  const days = daysBetween(from, to);
  const prev = { from: addDays(from, -days), to: addDays(from, -1) };
  return prev.from < scope.meta.minDate ? null : prev;
}

export async function kpis(scope: QueryScope): Promise<KpisResult> {
  const prev = previousRange(scope);
  const [current, previous] = await Promise.all([kpisFor(scope, scope.filters), prev ? kpisFor(scope, { ...scope.filters, ...prev }) : Promise.resolve(null)]);
  return {
    current,
    previous,
    range: { from: scope.filters.from, to: scope.filters.to, days: daysBetween(scope.filters.from, scope.filters.to) },
    previousRange: prev,
  };
}

export interface DailyPoint {
  date: string;
  views: number;
  carts: number;
  purchases: number;
  revenue: number;
  users: number;
  sessions: number;
  orders: number;
  conversionRate: number | null;
}

/** One row per day in range (distinct counts exact within each day). */
export async function daily(scope: QueryScope): Promise<DailyPoint[]> {
  const rows = await dailyCounts(scope, scope.filters, sliceOf(scope, scope.filters), true);
  return rows.map((r) => ({
    date: r.date,
    views: r.views,
    carts: r.carts,
    purchases: r.purchases,
    revenue: cents(r.revenue),
    users: r.users ?? 0,
    sessions: r.sessions,
    orders: r.orders,
    conversionRate: ratio(r.orders, r.sessions),
  }));
}

export interface BreakdownRow {
  name: string;
  revenue: number;
  purchases: number;
  share: number | null;
}

export interface Breakdown {
  totalRevenue: number;
  byCategory: BreakdownRow[];
  /** Top brands by revenue; the rest summed as `(other)`. */
  byBrand: BreakdownRow[];
}

export async function breakdown(scope: QueryScope<{ limit?: number }>): Promise<Breakdown> {
  const limit = scope.input.limit ?? 10;
  const categoryParams: Params = {};
  const brandParams: Params = { limit };
  const where = whereFilters(scope.filters, categoryParams);
  // Brands over all categories: the brand companion's range rows (a few thousand), else category_daily's days.
  const brandRange = scope.filters.categories.length === 0 ? brandRangeSql(scope, scope.filters, brandParams, scope.filters.brands) : null;
  const brandRows = brandRange
    ? `SELECT brand AS name, revenue, purchases FROM (${brandRange})`
    : `SELECT brand AS name, sum(revenue) AS revenue, sum(purchases) AS purchases FROM ${view(scope, 'category_daily')} ${whereFilters(scope.filters, brandParams)} GROUP BY brand`;
  type Row = { name: string; revenue: number; purchases: number };
  const [byCategory, byBrand] = await Promise.all([
    scope.db.rows<Row>(
      `SELECT category_l1 AS name, CAST(sum(revenue) AS DOUBLE) AS revenue, sum(purchases) AS purchases
       FROM ${view(scope, 'category_daily')} ${where} GROUP BY category_l1 ORDER BY revenue DESC, name`,
      categoryParams,
    ),
    // The top brands and one (other) row: thousands of brand rows never leave DuckDB. Money is summed exactly.
    scope.db.rows<Row & { other: boolean }>(
      `WITH brands AS (${brandRows}),
       ranked AS (SELECT *, row_number() OVER (ORDER BY revenue DESC, name) AS rank FROM brands)
       SELECT name, CAST(revenue AS DOUBLE) AS revenue, purchases, false AS other FROM ranked WHERE rank <= $limit
       UNION ALL
       SELECT '(other)', CAST(sum(revenue) AS DOUBLE), sum(purchases), true FROM ranked WHERE rank > $limit HAVING count(*) > 0
       ORDER BY other, revenue DESC, name`,
      brandParams,
    ),
  ]);
  const total = cents(byCategory.reduce((s, r) => s + r.revenue, 0));
  const shaped = (rows: Row[]) => rows.map((r) => ({ name: r.name, revenue: cents(r.revenue), purchases: r.purchases, share: ratio(r.revenue, total, 4) }));
  return { totalRevenue: total, byCategory: shaped(byCategory), byBrand: shaped(byBrand) };
}
