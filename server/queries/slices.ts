/**
 * Exact section 3 counts for one slice of the data over a date range, from the smallest tables that
 * answer it (gold models in pipeline/layers/gold/models/slices.ts):
 *
 * - everything (no category or brand filter) and one category: per-day session counts from
 *   gold.slice_daily, corrected by the irregular sessions (several dates or users) that a per-day sum
 *   counts once per day;
 * - one category and one brand: a regular session is exactly one gold.session_facts row of the pair
 *   (one user, one date), so sessions with a view / cart / purchase are row counts over the pair's
 *   rows, and only irregular sessions are counted by key; users come from gold.user_carryover;
 * - anything else (a brand alone, several categories or brands): group the filtered facts by session.
 *
 * Older lakes without these tables (or with a daily table that misses dates) take the last path.
 */
import { SESSION_COUNT_COLUMNS } from '../../pipeline/layers/gold/models/slices';
import type { Params } from '../lake/database';
import { brandRangeSql } from './brand-ranges';
import { bindList, servingView, usable, view, whereFilters, type QueryScope, type ResolvedFilters } from './sql';

export type Slice = { level: 'all' } | { level: 'category'; category: string } | { level: 'pair'; category: string; brand: string } | { level: 'scan' };

export type DateRange = Pick<ResolvedFilters, 'from' | 'to'>;


/** The precomputed level that answers these filters, if the state has its tables. */
export function sliceOf(scope: Pick<QueryScope, 'state'>, filters: ResolvedFilters): Slice {
  const { categories, brands } = filters;
  if (categories.length === 0 && brands.length === 0 && usable(scope, 'slice_daily', 'irregular_session_facts')) return { level: 'all' };
  if (categories.length === 1 && brands.length === 0 && usable(scope, 'slice_daily', 'irregular_session_facts')) return { level: 'category', category: categories[0] };
  if (categories.length === 1 && brands.length === 1 && usable(scope, 'irregular_session_facts', 'user_carryover')) {
    return { level: 'pair', category: categories[0], brand: brands[0] };
  }
  return { level: 'scan' };
}

export interface SessionCounts {
  views: number;
  carts: number;
  removals: number;
  purchases: number;
  revenue: number;
  sessions: number;
  view_sessions: number;
  cart_sessions: number;
  purchase_sessions: number;
  abandoned_sessions: number;
  abandoned_value: number;
}

const IN_RANGE = 'event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)';

/** `AND …` restricting rows with category_l1 / brand columns to a slice (values bound into params). */
export function sliceClause(slice: Slice, params: Params): string {
  if (slice.level === 'category' || slice.level === 'pair') params.category = slice.category;
  if (slice.level === 'pair') params.brand = slice.brand;
  return slice.level === 'category' ? 'AND category_l1 = $category' : slice.level === 'pair' ? 'AND category_l1 = $category AND brand = $brand' : '';
}

/**
 * `correction`: per `dim`, what to add to counts of the irregular sessions' rows so that each
 * irregular session counts once over the range and slice. Per session the flags over the range
 * (`per_range`) replace what a per-day table counted (one session per day, `counted = 'days'`) or what
 * a row count counted (one per session_facts row, `counted = 'rows'`). Three aggregates (per day,
 * per session, per dim): each DuckDB hash aggregate costs ~2 ms here however few its rows, so the
 * counted and range flags are taken in the same passes. `clause` restricts irregular rows like the
 * main rows; `dimension` groups by a column as `dim`.
 */
function irregularCorrection(scope: QueryScope, clause: string, counted: 'days' | 'rows', dimension?: string): string {
  const dim = dimension ? `${dimension} AS dim` : 'NULL AS dim';
  // What the main rows counted for a session: its days' flags, or its rows' flags (summed over its days).
  const countedFlags =
    counted === 'days'
      ? `count(*) AS n, count(*) FILTER (WHERE v) AS n_v, count(*) FILTER (WHERE c) AS n_c, count(*) FILTER (WHERE p) AS n_p,
    count(*) FILTER (WHERE c AND NOT p) AS n_a, coalesce(sum(cv) FILTER (WHERE c AND NOT p), 0) AS n_av`
      : 'sum(r_n) AS n, sum(r_v) AS n_v, sum(r_c) AS n_c, sum(r_p) AS n_p, sum(r_a) AS n_a, sum(r_av) AS n_av';
  const rowFlags =
    counted === 'rows'
      ? `, count(*) AS r_n, count(*) FILTER (WHERE views > 0) AS r_v, count(*) FILTER (WHERE carts > 0) AS r_c, count(*) FILTER (WHERE purchases > 0) AS r_p,
    count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS r_a, coalesce(sum(cart_value) FILTER (WHERE carts > 0 AND purchases = 0), 0) AS r_av`
      : '';
  return `
irregular_days AS (
  SELECT ${dim}, session_key, event_date, bool_or(views > 0) AS v, sum(carts) > 0 AS c, sum(purchases) > 0 AS p, sum(cart_value) AS cv${rowFlags}
  FROM ${view(scope, 'irregular_session_facts')} WHERE is_irregular_session AND ${IN_RANGE} ${clause}
  GROUP BY ALL
),
irregular_sessions AS (
  SELECT dim, session_key, bool_or(v) AS v, bool_or(c) AS c, bool_or(p) AS p, sum(cv) AS cv,
    ${countedFlags}
  FROM irregular_days GROUP BY dim, session_key
),
correction AS (
  SELECT dim, count(*) - sum(n) AS sessions, count(*) FILTER (WHERE v) - sum(n_v) AS view_sessions, count(*) FILTER (WHERE c) - sum(n_c) AS cart_sessions,
    count(*) FILTER (WHERE p) - sum(n_p) AS purchase_sessions, count(*) FILTER (WHERE c AND NOT p) - sum(n_a) AS abandoned_sessions,
    coalesce(sum(cv) FILTER (WHERE c AND NOT p), 0) - sum(n_av) AS abandoned_value
  FROM irregular_sessions GROUP BY dim
)`;
}

const FLAGS = SESSION_COUNT_COLUMNS;

/** base.x + correction.x for every session flag (a dim without irregular sessions has no correction row). */
function corrected(base: string): string {
  return FLAGS.map((f) => `${base}.${f} + coalesce(correction.${f}, 0) AS ${f}`).join(',\n  ');
}

/** Rows of the pair as the rows of its regular sessions would count them (one row = one session). */
const ROW_FLAGS = `count(*) AS sessions, count(*) FILTER (WHERE views > 0) AS view_sessions, count(*) FILTER (WHERE carts > 0) AS cart_sessions,
    count(*) FILTER (WHERE purchases > 0) AS purchase_sessions, count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS abandoned_sessions,
    coalesce(sum(cart_value) FILTER (WHERE carts > 0 AND purchases = 0), 0) AS abandoned_value`;

const SUMS = `sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases, CAST(sum(revenue) AS DOUBLE) AS revenue`;

/**
 * Where session counts come from: per-day rows of slice_daily at one level (optionally one category)
 * or of brand_daily (level `brand`, grouped by brand), rows of session_facts where every group is one category × brand pair (`clause` over category_l1 and
 * brand, values already in params), or the filtered facts grouped by session.
 */
export type CountSource =
  | { kind: 'days'; level: 'all' | 'category' | 'brand'; category?: string }
  | { kind: 'pair_rows'; clause: string }
  | { kind: 'scan'; filters: ResolvedFilters };

export function countSource(slice: Slice, params: Params, filters: ResolvedFilters): CountSource {
  if (slice.level === 'all') return { kind: 'days', level: 'all' };
  if (slice.level === 'category') return { kind: 'days', level: 'category', category: slice.category };
  if (slice.level === 'pair') return { kind: 'pair_rows', clause: sliceClause(slice, params) };
  return { kind: 'scan', filters };
}

/**
 * Section 3 event counts and session counts over a range, optionally per `dimension` value (rows
 * carry `dim`; with `days` the dimension must be category_l1, with `pair_rows` each group must be
 * one pair).
 */
export async function sessionCounts(
  scope: QueryScope,
  range: DateRange,
  source: CountSource,
  params: Params = {},
  dimension?: 'category_l1' | 'brand',
  top?: TopDims,
): Promise<Array<SessionCounts & { dim: string | null }>> {
  params.from = range.from;
  params.to = range.to;
  const dim = dimension ? `${dimension} AS dim` : 'NULL AS dim';
  let sql: string;
  if (source.kind === 'days') {
    let clause = '';
    if (source.category !== undefined) {
      params.category = source.category;
      clause = 'AND category_l1 = $category';
    }
    // Per-day rows of one level: gold.brand_daily per brand (dimension brand), gold.slice_daily else.
    // Per brand, the range's day sums come from the brand's running totals when the state has them.
    const level = dimension === 'category_l1' || source.level === 'category' ? 'category' : 'all';
    const brandRange = source.level === 'brand' ? brandRangeSql(scope, range, params) : null;
    const dayRows = () => (source.level === 'brand' ? `${view(scope, 'brand_daily')} WHERE ${IN_RANGE}` : `${view(scope, 'slice_daily')} WHERE slice_level = '${level}' AND ${IN_RANGE} ${clause}`);
    const days = brandRange
      ? `SELECT ${dim}, views, carts, removals, purchases, CAST(revenue AS DOUBLE) AS revenue, ${FLAGS.join(', ')} FROM (${brandRange})`
      : `SELECT ${dim}, ${SUMS}, ${FLAGS.map((f) => `sum(${f}) AS ${f}`).join(', ')} FROM ${dayRows()} GROUP BY ALL`;
    sql = `
WITH days AS (${days}),
${irregularCorrection(scope, clause, 'days', dimension)}
SELECT days.dim, views, carts, removals, purchases, revenue,
  ${corrected('days')}
FROM days LEFT JOIN correction ON correction.dim IS NOT DISTINCT FROM days.dim`;
  } else if (source.kind === 'pair_rows') {
    const pairDaily = servingView(scope, 'pair_daily');
    const rows = pairDaily
      ? `SELECT ${dim}, ${SUMS}, ${FLAGS.map((f) => `sum(${f}) AS ${f}`).join(', ')} FROM ${pairDaily} WHERE ${IN_RANGE} ${source.clause} GROUP BY ALL`
      : `SELECT ${dim}, ${SUMS}, ${ROW_FLAGS} FROM ${view(scope, 'session_facts')} WHERE ${IN_RANGE} ${source.clause} GROUP BY ALL`;
    sql = `
WITH pair_rows AS (${rows}),
${irregularCorrection(scope, source.clause, 'rows', dimension)}
SELECT pair_rows.dim, views, carts, removals, purchases, revenue,
  ${corrected('pair_rows')}
FROM pair_rows LEFT JOIN correction ON correction.dim IS NOT DISTINCT FROM pair_rows.dim`;
  } else {
    sql = `
WITH facts AS (
  SELECT ${dim}, session_key, views, carts, removals, purchases, revenue, cart_value
  FROM ${view(scope, 'session_facts')} ${whereFilters({ ...source.filters, ...range }, params)}
),
sessions AS (
  SELECT dim, session_key, sum(views) AS views, sum(carts) AS carts, sum(removals) AS removals, sum(purchases) AS purchases,
    sum(revenue) AS revenue, sum(cart_value) AS cart_value
  FROM facts GROUP BY dim, session_key
)
SELECT dim, ${SUMS}, ${ROW_FLAGS} FROM sessions GROUP BY dim`;
  }
  if (top) {
    // Only the rows shown: the ranking happens in DuckDB, not over thousands of brand rows in JS.
    params.top_limit = top.limit;
    const wanted = top.wanted.length ? `AND dim IN (${bindList(params, 'top', top.wanted)})` : '';
    sql = `SELECT * FROM (${sql}) WHERE dim IS NOT NULL AND sessions > 0 ${wanted} ORDER BY sessions DESC, dim LIMIT $top_limit`;
  }
  const rows = await scope.db.rows<SessionCounts & { dim: string | null }>(sql, params);
  return rows.map((r) => ({ ...r, abandoned_value: Number(r.abandoned_value ?? 0), revenue: Number(r.revenue ?? 0) }));
}

/** The first `limit` dimension values by sessions (ties by name), among `wanted` when given. */
export interface TopDims {
  limit: number;
  wanted: readonly string[];
}

/** One row of sessionCounts without a dimension (zeros when the slice has no rows). */
export async function sessionTotals(scope: QueryScope, range: DateRange, slice: Slice): Promise<SessionCounts> {
  const params: Params = {};
  const [row] = await sessionCounts(scope, range, countSource(slice, params, { ...scope.filters, ...range }), params);
  const zero: SessionCounts = { views: 0, carts: 0, removals: 0, purchases: 0, revenue: 0, sessions: 0, view_sessions: 0, cart_sessions: 0, purchase_sessions: 0, abandoned_sessions: 0, abandoned_value: 0 };
  if (!row) return zero;
  const out = { ...zero };
  for (const key of Object.keys(zero) as Array<keyof SessionCounts>) out[key] = Number(row[key] ?? 0);
  return out;
}

/** Distinct users and buyers of a slice over a range. */
export async function userCounts(scope: QueryScope, range: DateRange, slice: Slice): Promise<{ users: number; buyers: number }> {
  const params: Params = { from: range.from, to: range.to };
  let sql: string;
  if (slice.level === 'all' && usable(scope, 'distinct_carryover')) {
    sql = `SELECT coalesce(sum(n) FILTER (WHERE entity = 'user'), 0) AS users, coalesce(sum(n) FILTER (WHERE entity = 'buyer'), 0) AS buyers
      FROM ${view(scope, 'distinct_carryover')} WHERE entity IN ('user', 'buyer') AND ${IN_RANGE} AND (prev_date IS NULL OR prev_date < CAST($from AS DATE))`;
  } else if (slice.level === 'pair') {
    sql = `SELECT coalesce(sum(n) FILTER (WHERE measure = 'user'), 0) AS users, coalesce(sum(n) FILTER (WHERE measure = 'buyer'), 0) AS buyers
      FROM ${view(scope, 'user_carryover')} WHERE slice_level = 'category_brand' ${sliceClause(slice, params)} AND measure IN ('user', 'buyer')
        AND ${IN_RANGE} AND (prev_date IS NULL OR prev_date < CAST($from AS DATE))`;
  } else {
    sql = `SELECT count(DISTINCT user_key) AS users, count(DISTINCT user_key) FILTER (WHERE purchases > 0) AS buyers
      FROM ${view(scope, 'session_facts')} ${whereFilters({ ...scope.filters, ...range }, params)}`;
  }
  const [row] = await scope.db.rows<{ users: number; buyers: number }>(sql, params);
  return { users: Number(row?.users ?? 0), buyers: Number(row?.buyers ?? 0) };
}

export interface DayCounts {
  date: string;
  views: number;
  carts: number;
  purchases: number;
  revenue: number;
  users: number | null;
  sessions: number;
  cart_sessions: number;
  orders: number;
}

/**
 * Per day of the range: event counts, revenue, and the distinct sessions, cart sessions, orders and
 * (when `withUsers`) users of that day in the slice.
 */
export async function dailyCounts(scope: QueryScope, range: DateRange, slice: Slice, withUsers: boolean): Promise<DayCounts[]> {
  const params: Params = { from: range.from, to: range.to };
  let sql: string;
  if (slice.level === 'all') {
    sql = `SELECT CAST(event_date AS VARCHAR) AS date, views, carts, purchases, CAST(revenue AS DOUBLE) AS revenue, users, sessions, cart_sessions, orders
      FROM ${view(scope, 'daily_kpis')} WHERE ${IN_RANGE} ORDER BY date`;
  } else if (slice.level === 'category') {
    // A session counted in slice_daily is counted once that day whatever its users: no correction.
    sql = `
WITH days AS (
  SELECT event_date, views, carts, purchases, CAST(revenue AS DOUBLE) AS revenue, sessions, cart_sessions, purchase_sessions AS orders
  FROM ${view(scope, 'slice_daily')} WHERE slice_level = 'category' AND category_l1 = $category AND ${IN_RANGE}
)${withUsers ? `,
users AS (
  SELECT event_date, count(DISTINCT user_key) AS users FROM ${view(scope, 'session_facts')} WHERE ${IN_RANGE} AND category_l1 = $category GROUP BY event_date
)` : ''}
SELECT CAST(d.event_date AS VARCHAR) AS date, d.views, d.carts, d.purchases, d.revenue, ${withUsers ? 'coalesce(u.users, 0)' : 'NULL'} AS users, d.sessions, d.cart_sessions, d.orders
FROM days d ${withUsers ? 'LEFT JOIN users u USING (event_date)' : ''} ORDER BY date`;
    params.category = slice.category;
  } else if (slice.level === 'pair') {
    // Per day only sessions with several users repeat a row of the pair: count those by key.
    const pairDaily = servingView(scope, 'pair_daily');
    sql = `
WITH days AS (
  ${
    pairDaily
      ? `SELECT event_date, views, carts, purchases, CAST(revenue AS DOUBLE) AS revenue, sessions, cart_sessions, purchase_sessions AS orders
         FROM ${pairDaily} WHERE ${IN_RANGE} ${sliceClause(slice, params)}`
      : `SELECT event_date, sum(views) AS views, sum(carts) AS carts, sum(purchases) AS purchases, CAST(sum(revenue) AS DOUBLE) AS revenue,
           count(*) AS sessions, count(*) FILTER (WHERE carts > 0) AS cart_sessions, count(*) FILTER (WHERE purchases > 0) AS orders
         FROM ${view(scope, 'session_facts')} WHERE ${IN_RANGE} ${sliceClause(slice, params)} GROUP BY event_date`
  }
),
irregular AS (
  SELECT event_date, session_key, count(*) AS row_count, count(*) FILTER (WHERE carts > 0) AS cart_rows, count(*) FILTER (WHERE purchases > 0) AS purchase_rows
  FROM ${view(scope, 'irregular_session_facts')} WHERE is_irregular_session AND ${IN_RANGE} ${sliceClause(slice, params)}
  GROUP BY event_date, session_key
),
extra AS (
  SELECT event_date, sum(row_count - 1) AS sessions, sum(cart_rows - least(cart_rows, 1)) AS cart_sessions, sum(purchase_rows - least(purchase_rows, 1)) AS orders
  FROM irregular GROUP BY event_date
),
users AS (
  SELECT event_date, sum(n) AS users FROM ${view(scope, 'user_carryover')}
  WHERE slice_level = 'category_brand' AND category_l1 = $category AND brand = $brand AND measure = 'user' AND ${IN_RANGE} GROUP BY event_date
)
SELECT CAST(d.event_date AS VARCHAR) AS date, d.views, d.carts, d.purchases, d.revenue, coalesce(u.users, 0) AS users,
  d.sessions - coalesce(x.sessions, 0) AS sessions, d.cart_sessions - coalesce(x.cart_sessions, 0) AS cart_sessions, d.orders - coalesce(x.orders, 0) AS orders
FROM days d LEFT JOIN extra x USING (event_date) LEFT JOIN users u USING (event_date) ORDER BY date`;
  } else {
    sql = `
WITH facts AS (
  SELECT event_date, session_key, user_key, views, carts, purchases, revenue
  FROM ${view(scope, 'session_facts')} ${whereFilters({ ...scope.filters, ...range }, params)}
),
sessions AS (
  SELECT event_date, session_key, sum(carts) > 0 AS has_cart, sum(purchases) > 0 AS has_purchase FROM facts GROUP BY event_date, session_key
),
session_days AS (
  SELECT event_date, count(*) AS sessions, count(*) FILTER (WHERE has_cart) AS cart_sessions, count(*) FILTER (WHERE has_purchase) AS orders FROM sessions GROUP BY event_date
),
event_days AS (
  SELECT event_date, sum(views) AS views, sum(carts) AS carts, sum(purchases) AS purchases, CAST(sum(revenue) AS DOUBLE) AS revenue,
    ${withUsers ? 'count(DISTINCT user_key)' : 'NULL'} AS users
  FROM facts GROUP BY event_date
)
SELECT CAST(event_date AS VARCHAR) AS date, e.views, e.carts, e.purchases, e.revenue, e.users, s.sessions, s.cart_sessions, s.orders
FROM event_days e JOIN session_days s USING (event_date) ORDER BY date`;
  }
  const rows = await scope.db.rows<DayCounts>(sql, params);
  return rows.map((r) => ({ ...r, revenue: Number(r.revenue ?? 0), users: withUsers ? Number(r.users ?? 0) : null }));
}

