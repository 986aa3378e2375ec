/**
 * Funnel page queries. Session steps come from gold.session_facts grouped by session over the
 * filtered rows (a session reached a step if it has ≥ 1 event of that type in the filtered slice).
 */
import type { Params } from '../lake/database';
import { dateRangeApplies, rangeCounts } from './date-range';
import { cents, hasSliceFilter, ratio, view, whereFilters, type QueryScope } from './sql';

export interface FunnelStep {
  step: 'view' | 'cart' | 'purchase';
  sessions: number;
  /** Share of the previous step's sessions (null for the first step). */
  stepConversion: number | null;
  /** Share of all sessions of the slice. */
  overallConversion: number | null;
  dropOff: number | null;
}

interface StepRow {
  sessions: number;
  view_sessions: number;
  cart_sessions: number;
  purchase_sessions: number;
}

const sessionStepsSql = (source: string, where: string, groupBy = '') => `
WITH facts AS (SELECT ${groupBy ? `${groupBy} AS dim, ` : ''}session_key, views, carts, purchases, revenue FROM ${source} ${where}),
sessions AS (
  SELECT ${groupBy ? 'dim, ' : ''}session_key, sum(views) > 0 AS has_view, sum(carts) > 0 AS has_cart, sum(purchases) > 0 AS has_purchase, sum(revenue) AS revenue
  FROM facts GROUP BY ${groupBy ? 'dim, ' : ''}session_key
)
SELECT ${groupBy ? 'dim, ' : ''}count(*) AS sessions, count(*) FILTER (WHERE has_view) AS view_sessions,
  count(*) FILTER (WHERE has_cart) AS cart_sessions, count(*) FILTER (WHERE has_purchase) AS purchase_sessions,
  CAST(sum(revenue) AS DOUBLE) AS revenue
FROM sessions ${groupBy ? 'GROUP BY dim' : ''}`;

function toSteps(r: StepRow): FunnelStep[] {
  const counts: Array<[FunnelStep['step'], number]> = [
    ['view', r.view_sessions],
    ['cart', r.cart_sessions],
    ['purchase', r.purchase_sessions],
  ];
  return counts.map(([step, sessions], i) => {
    const prev = i === 0 ? null : counts[i - 1][1];
    return {
      step,
      sessions,
      stepConversion: prev === null ? null : ratio(sessions, prev),
      overallConversion: ratio(sessions, r.sessions),
      dropOff: prev === null ? null : ratio(prev - sessions, prev),
    };
  });
}

export async function steps(scope: QueryScope): Promise<{ sessions: number; steps: FunnelStep[] }> {
  const row = dateRangeApplies(scope, scope.filters) ? await stepsForDateRange(scope) : await stepsFromFacts(scope);
  return { sessions: row.sessions, steps: toSteps(row) };
}

async function stepsFromFacts(scope: QueryScope): Promise<StepRow> {
  const params: Params = {};
  const [row] = await scope.db.rows<StepRow>(sessionStepsSql(view(scope, 'session_facts'), whereFilters(scope.filters, params)), params);
  return row;
}

/**
 * Date-only: sessions, cart and purchase sessions from the date-range tables. The view step has no
 * such table; rather than a distinct count over every row it counts the few sessions without any
 * view in range: sessions with a view-less row, minus those of them that also have a row with views.
 */
async function stepsForDateRange(scope: QueryScope): Promise<StepRow> {
  const params: Params = {};
  const where = whereFilters(scope.filters, params);
  const facts = view(scope, 'session_facts');
  const [counts, [viewless]] = await Promise.all([
    rangeCounts(scope, scope.filters),
    scope.db.rows<{ n: number }>(
      // A join with the candidates as build side: an IN (subquery) here ran ~10× slower at 20M rows.
      `WITH candidates AS (SELECT DISTINCT session_key FROM ${facts} ${where} AND views = 0),
       viewed AS (SELECT count(DISTINCT f.session_key) AS n FROM (SELECT session_key FROM ${facts} ${where} AND views > 0) f JOIN candidates c ON f.session_key = c.session_key)
       SELECT (SELECT count(*) FROM candidates) - (SELECT n FROM viewed) AS n`,
      params,
    ),
  ]);
  return { sessions: counts.sessions, view_sessions: counts.sessions - viewless.n, cart_sessions: counts.cart_sessions, purchase_sessions: counts.orders };
}

export const FUNNEL_DIMENSIONS = { category: 'category_l1', brand: 'brand' } as const;

export interface FunnelByDimensionRow {
  name: string;
  sessions: number;
  cartSessions: number;
  purchaseSessions: number;
  cartRate: number | null;
  conversionRate: number | null;
  revenue: number;
}

export async function byDimension(scope: QueryScope<{ dimension: keyof typeof FUNNEL_DIMENSIONS; limit: number }>): Promise<FunnelByDimensionRow[]> {
  const params: Params = { limit: scope.input.limit };
  const column = FUNNEL_DIMENSIONS[scope.input.dimension];
  const sql = `${sessionStepsSql(view(scope, 'session_facts'), whereFilters(scope.filters, params), column)} ORDER BY sessions DESC, dim LIMIT $limit`;
  const rows = await scope.db.rows<StepRow & { dim: string; revenue: number }>(sql, params);
  return rows.map((r) => ({
    name: r.dim,
    sessions: r.sessions,
    cartSessions: r.cart_sessions,
    purchaseSessions: r.purchase_sessions,
    cartRate: ratio(r.cart_sessions, r.sessions),
    conversionRate: ratio(r.purchase_sessions, r.sessions),
    revenue: cents(r.revenue),
  }));
}

export interface FunnelTrendPoint {
  date: string;
  sessions: number;
  cartSessions: number;
  orders: number;
  cartRate: number | null;
  conversionRate: number | null;
}

/** Per day: sessions of that day's filtered rows and how many carted / bought (date-only: gold.daily_kpis). */
export async function trend(scope: QueryScope): Promise<FunnelTrendPoint[]> {
  const params: Params = {};
  const sql = hasSliceFilter(scope.filters)
    ? `
WITH facts AS (SELECT event_date, session_key, carts, purchases FROM ${view(scope, 'session_facts')} ${whereFilters(scope.filters, params)}),
sessions AS (SELECT event_date, session_key, sum(carts) > 0 AS has_cart, sum(purchases) > 0 AS has_purchase FROM facts GROUP BY event_date, session_key)
SELECT CAST(event_date AS VARCHAR) AS date, count(*) AS sessions, count(*) FILTER (WHERE has_cart) AS cart_sessions, count(*) FILTER (WHERE has_purchase) AS orders
FROM sessions GROUP BY event_date ORDER BY date`
    : `
SELECT CAST(event_date AS VARCHAR) AS date, sessions, cart_sessions, orders
FROM ${view(scope, 'daily_kpis')} ${whereFilters(scope.filters, params, { date: 'event_date' })} ORDER BY date`;
  const rows = await scope.db.rows<{ date: string; sessions: number; cart_sessions: number; orders: number }>(sql, params);
  return rows.map((r) => ({ date: r.date, sessions: r.sessions, cartSessions: r.cart_sessions, orders: r.orders, cartRate: ratio(r.cart_sessions, r.sessions), conversionRate: ratio(r.orders, r.sessions) }));
}

export interface Abandonment {
  cartSessions: number;
  abandonedSessions: number;
  rate: number | null;
  /** Σ price of cart events in abandoned sessions. */
  abandonedValue: number;
  /** Products most often left in carts (cart events in sessions of the same day and slice that bought nothing). */
  topProducts: Array<{ productId: number; categoryL1: string; brand: string; abandonedCarts: number; abandonedValue: number }>;
}

export async function abandonment(scope: QueryScope<{ limit: number }>): Promise<Abandonment> {
  const params: Params = {};
  const where = whereFilters(scope.filters, params);
  const [totals] = await scope.db.rows<{ cart_sessions: number; abandoned_sessions: number; abandoned_value: number | null }>(
    // Rows with neither a cart nor a purchase change no session's verdict and carry no cart value.
    `WITH facts AS (SELECT session_key, carts, purchases, cart_value FROM ${view(scope, 'session_facts')} ${where} ${where ? 'AND' : 'WHERE'} (carts > 0 OR purchases > 0)),
     sessions AS (SELECT session_key, sum(carts) AS carts, sum(purchases) AS purchases, sum(cart_value) AS cart_value FROM facts GROUP BY session_key HAVING sum(carts) > 0)
     SELECT count(*) AS cart_sessions, count(*) FILTER (WHERE purchases = 0) AS abandoned_sessions,
            CAST(sum(cart_value) FILTER (WHERE purchases = 0) AS DOUBLE) AS abandoned_value FROM sessions`,
    params,
  );
  const productParams: Params = { limit: scope.input.limit };
  const products = await scope.db.rows<{ product_id: number; category_l1: string; brand: string; abandoned_carts: number; abandoned_value: number }>(
    `SELECT product_id, any_value(category_l1) AS category_l1, any_value(brand) AS brand, sum(abandoned_carts) AS abandoned_carts,
            CAST(sum(abandoned_value) AS DOUBLE) AS abandoned_value
     FROM ${view(scope, 'product_daily')} ${whereFilters(scope.filters, productParams)}
     GROUP BY product_id HAVING sum(abandoned_carts) > 0 ORDER BY abandoned_value DESC, product_id LIMIT $limit`,
    productParams,
  );
  return {
    cartSessions: totals.cart_sessions,
    abandonedSessions: totals.abandoned_sessions,
    rate: ratio(totals.abandoned_sessions, totals.cart_sessions),
    abandonedValue: cents(totals.abandoned_value),
    topProducts: products.map((p) => ({ productId: p.product_id, categoryL1: p.category_l1, brand: p.brand, abandonedCarts: p.abandoned_carts, abandonedValue: cents(p.abandoned_value) })),
  };
}

/** Buckets of minutes from session start to purchase, in order. */
export const MINUTE_BUCKETS = ['0–1', '1–5', '5–15', '15–30', '30–60', '60–180', '180+'] as const;

export async function timeToPurchase(scope: QueryScope): Promise<Array<{ bucket: string; purchases: number; share: number | null }>> {
  const params: Params = {};
  const rows = await scope.db.rows<{ bucket: string; purchases: number }>(
    `SELECT minutes_bucket AS bucket, sum(purchases) AS purchases FROM ${view(scope, 'time_to_purchase')} ${whereFilters(scope.filters, params)} GROUP BY minutes_bucket`,
    params,
  );
  const total = rows.reduce((s, r) => s + r.purchases, 0);
  return MINUTE_BUCKETS.map((bucket) => {
    const purchases = rows.find((r) => r.bucket === bucket)?.purchases ?? 0;
    return { bucket, purchases, share: ratio(purchases, total, 4) };
  });
}
