/**
 * Funnel page queries. A session reached a step if it has ≥ 1 event of that type in the filtered
 * slice; the counts come from the slice tables (slices.ts) or the filtered facts grouped by session.
 */
import type { Params } from '../lake/database';
import { dateRangeApplies, rangeCounts } from './date-range';
import { labelledPageSql, perProductSql, productLabels, rangeLayoutSql, type LabelledRow } from './products';
import { dailyCounts, sessionCounts, sessionTotals, sliceOf, type CountSource } from './slices';
import { cents, ratio, usable, view, whereFilters, type QueryScope } from './sql';

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
  const slice = sliceOf(scope, scope.filters);
  let row: StepRow;
  if (slice.level === 'scan' && dateRangeApplies(scope, scope.filters)) row = await stepsForDateRange(scope);
  else {
    const c = await sessionTotals(scope, scope.filters, slice);
    row = { sessions: c.sessions, view_sessions: c.view_sessions, cart_sessions: c.cart_sessions, purchase_sessions: c.purchase_sessions };
  }
  return { sessions: row.sessions, steps: toSteps(row) };
}

/**
 * Date-only on lakes without slice_daily: sessions, cart and purchase sessions from the date-range
 * tables; the view step counts the few sessions without any view in range: sessions with a
 * view-less row, minus those of them that also have a row with views.
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

/**
 * Where a funnel per category or brand reads: per-day category rows when brands are not filtered,
 * per-day brand rows when categories are not, pair rows when every group is one category × brand pair, else the facts grouped by session.
 */
function dimensionSource(scope: QueryScope, dimension: keyof typeof FUNNEL_DIMENSIONS, params: Params): CountSource {
  const { categories, brands } = scope.filters;
  if (dimension === 'category' && brands.length === 0 && usable(scope, 'slice_daily', 'irregular_session_facts')) return { kind: 'days', level: 'all' };
  // Every brand over all categories: per-day brand rows (the brands wanted are picked afterwards).
  if (dimension === 'brand' && categories.length === 0 && usable(scope, 'brand_daily', 'irregular_session_facts')) return { kind: 'days', level: 'brand' };
  const pairs = dimension === 'category' ? brands.length === 1 : categories.length === 1;
  if (pairs && usable(scope, 'irregular_session_facts')) {
    const clause = whereFilters(scope.filters, params, { category: 'category_l1', brand: 'brand' }).replace(/^WHERE /, 'AND ');
    return { kind: 'pair_rows', clause };
  }
  return { kind: 'scan', filters: scope.filters };
}

export async function byDimension(scope: QueryScope<{ dimension: keyof typeof FUNNEL_DIMENSIONS; limit: number }>): Promise<FunnelByDimensionRow[]> {
  const params: Params = {};
  const column = FUNNEL_DIMENSIONS[scope.input.dimension];
  const wanted = scope.input.dimension === 'category' ? scope.filters.categories : scope.filters.brands;
  const rows = await sessionCounts(scope, scope.filters, dimensionSource(scope, scope.input.dimension, params), params, column, { limit: scope.input.limit, wanted });
  return rows.map((r) => ({
    name: r.dim!,
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

/** Per day: sessions of that day's filtered rows and how many carted / bought. */
export async function trend(scope: QueryScope): Promise<FunnelTrendPoint[]> {
  const rows = await dailyCounts(scope, scope.filters, sliceOf(scope, scope.filters), false);
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
  const slice = sliceOf(scope, scope.filters);
  const productParams: Params = { limit: scope.input.limit };
  const [totals, products] = await Promise.all([
    slice.level === 'scan' ? abandonmentFromFacts(scope) : sessionTotals(scope, scope.filters, slice),
    scope.db.rows<LabelledRow & { abandoned_carts: number; abandoned_cents: number }>(
      labelledPageSql(
        scope,
        scope.filters,
        productParams,
        // Only products with an abandoned cart up to the end of the range can have one in it.
        `SELECT product_id, abandoned_carts, abandoned_cents
         FROM (${rangeLayoutSql(scope, scope.filters) ?? perProductSql(scope, scope.filters, productParams, 'AND abandoned_carts > 0', ['abandoned_carts', 'abandoned_cents'])}) WHERE abandoned_carts > 0
         ORDER BY abandoned_cents DESC, product_id LIMIT $limit`,
        'abandoned_cents DESC, product_id',
      ),
      productParams,
    ),
  ]);
  const labels = await productLabels(scope, scope.filters, products, 'abandoned_carts');
  return {
    cartSessions: totals.cart_sessions,
    abandonedSessions: totals.abandoned_sessions,
    rate: ratio(totals.abandoned_sessions, totals.cart_sessions),
    abandonedValue: cents(totals.abandoned_value),
    topProducts: products.map((p) => ({
      productId: p.product_id,
      categoryL1: labels.get(p.product_id)?.category_l1 ?? 'unknown',
      brand: labels.get(p.product_id)?.brand ?? 'unknown',
      abandonedCarts: p.abandoned_carts,
      abandonedValue: cents(p.abandoned_cents / 100),
    })),
  };
}

async function abandonmentFromFacts(scope: QueryScope): Promise<{ cart_sessions: number; abandoned_sessions: number; abandoned_value: number }> {
  const params: Params = {};
  const where = whereFilters(scope.filters, params);
  const [totals] = await scope.db.rows<{ cart_sessions: number; abandoned_sessions: number; abandoned_value: number | null }>(
    // Rows with neither a cart nor a purchase change no session's verdict and carry no cart value.
    `WITH facts AS (SELECT session_key, carts, purchases, cart_value FROM ${view(scope, 'session_facts')} ${where} AND (carts > 0 OR purchases > 0)),
     sessions AS (SELECT session_key, sum(carts) AS carts, sum(purchases) AS purchases, sum(cart_value) AS cart_value FROM facts GROUP BY session_key HAVING sum(carts) > 0)
     SELECT count(*) AS cart_sessions, count(*) FILTER (WHERE purchases = 0) AS abandoned_sessions,
            CAST(sum(cart_value) FILTER (WHERE purchases = 0) AS DOUBLE) AS abandoned_value FROM sessions`,
    params,
  );
  return { cart_sessions: totals.cart_sessions, abandoned_sessions: totals.abandoned_sessions, abandoned_value: Number(totals.abandoned_value ?? 0) };
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
