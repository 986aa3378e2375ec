/**
 * The slice tables (slice_daily, irregular_session_facts, user_carryover) and the cumulative product
 * totals against the paths that group gold.session_facts / sum gold.product_daily, which the router
 * tests check against silver events: for no filter, one category and one category × brand pair, over
 * ranges that cut through sessions crossing midnight, every procedure must answer identically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoldState } from '../lake/catalog';
import type { GoldService } from '../service';
import { openService, Silver, testLakeDir } from '../test-support';
import { callerFor } from '../trpc/server';
import * as executive from './executive';
import * as funnel from './funnel';
import * as products from './products';
import * as segments from './segments';
import { resolveFilters } from '../trpc/filters';
import type { QueryScope } from './sql';

let service: GoldService;
let silver: Silver;
let category: string;
let brand: string;
let range: { min: string; max: string };
let cutRanges: Array<{ from: string; to: string }>;

beforeAll(async () => {
  const lakeDir = await testLakeDir();
  service = await openService(lakeDir);
  silver = await Silver.open(lakeDir);
  [{ category }] = await silver.rows<{ category: string }>("SELECT category_l1 AS category FROM silver WHERE category_l1 <> 'unknown' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  [{ brand }] = await silver.rows<{ brand: string }>(
    "SELECT brand_label AS brand FROM silver WHERE category_l1 = $c AND brand_label <> 'unknown' AND event_type = 'purchase' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    { c: category },
  );
  const meta = await callerFor(service).meta.filters();
  range = { min: meta.minDate, max: meta.maxDate };
  const state = await service.catalog.current();
  const [{ d, next }] = await service.db.rows<{ d: string; next: string }>(
    `SELECT CAST(event_date AS VARCHAR) AS d, CAST(event_date + 1 AS VARCHAR) AS next FROM ${state.views.multi_day_sessions}
     WHERE event_date < (SELECT max(event_date) FROM ${state.views.multi_day_sessions}) GROUP BY event_date ORDER BY count(*) DESC, event_date LIMIT 1`,
  );
  cutRanges = [
    { from: range.min, to: d },
    { from: next, to: range.max },
    { from: d, to: next },
  ];
});

afterAll(() => {
  service?.close();
});

/** The state without the slice tables: every query takes the session_facts path. */
function withoutSliceTables(state: GoldState): GoldState {
  return {
    ...state,
    versions: { ...state.versions, slice_daily: null, brand_daily: null, pair_daily: null, irregular_session_facts: null, user_carryover: null, distinct_carryover: null, multi_day_sessions: null },
  };
}

/** The state without the serving tables derived from product_daily and user_summary: queries group those. */
function withoutDerivedTables(state: GoldState): GoldState {
  return { ...state, versions: { ...state.versions, product_cumulative: null, user_segments: null } };
}

async function scopes<I>(input: I & { from: string; to: string; categories?: string[]; brands?: string[] }, on = service): Promise<[QueryScope<I>, QueryScope<I>]> {
  const state = await on.catalog.current();
  const meta = await on.meta(state);
  const filters = resolveFilters(input, meta);
  const fast: QueryScope<I> = { db: on.db, state, meta, filters, input };
  return [fast, { ...fast, state: withoutSliceTables(state) }];
}

const filterSets = () => {
  const week = { from: '2019-10-08', to: '2019-10-14' };
  const all = { from: range.min, to: range.max };
  return [week, all, ...cutRanges].flatMap((r) => [r, { ...r, categories: [category] }, { ...r, categories: [category], brands: [brand] }]);
};

describe('slice tables', () => {
  it('are present and complete in the test lake', async () => {
    const state = await service.catalog.current();
    for (const table of ['slice_daily', 'irregular_session_facts', 'user_carryover'] as const) expect(state.versions[table]).not.toBeNull();
    expect(state.partial.size).toBe(0);
    const [{ n }] = await service.db.rows<{ n: number }>(`SELECT count(*) AS n FROM ${state.views.irregular_session_facts} WHERE is_irregular_session`);
    expect(n).toBeGreaterThan(0);
  });

  it('give the KPIs, the daily series and the funnel of the facts path', async () => {
    for (const f of filterSets()) {
      const [fast, facts] = await scopes({ ...f, limit: 10 });
      expect({ f, kpis: await executive.kpisFor(fast, fast.filters) }).toEqual({ f, kpis: await executive.kpisFromFacts(facts, facts.filters) });
      expect({ f, daily: await executive.daily(fast) }).toEqual({ f, daily: await executive.daily(facts) });
      expect({ f, steps: await funnel.steps(fast) }).toEqual({ f, steps: await funnel.steps(facts) });
      expect({ f, trend: await funnel.trend(fast) }).toEqual({ f, trend: await funnel.trend(facts) });
      expect({ f, abandonment: await funnel.abandonment(fast) }).toEqual({ f, abandonment: await funnel.abandonment(facts) });
    }
  });

  it('give the funnel per category and per brand of the facts path', async () => {
    const week = { from: '2019-10-08', to: '2019-10-14' };
    for (const f of [week, cutRanges[2], { ...week, brands: [brand] }, { ...week, categories: [category] }, { ...week, categories: [category], brands: [brand] }]) {
      for (const dimension of ['category', 'brand'] as const) {
        const [fast, facts] = await scopes({ ...f, dimension, limit: 100 });
        expect({ f, dimension, rows: await funnel.byDimension(fast) }).toEqual({ f, dimension, rows: await funnel.byDimension(facts) });
      }
    }
  });

  it('count sessions per user like a distinct count over the facts', async () => {
    for (const f of filterSets()) {
      const [fast, facts] = await scopes(f);
      expect({ f, buckets: await segments.sessionsPerUser(fast) }).toEqual({ f, buckets: await segments.sessionsPerUser(facts) });
    }
  });

  it('split users into new and returning by their first event date, as silver does', async () => {
    for (const f of filterSets()) {
      const [fast] = await scopes(f);
      const params: Record<string, string> = {};
      const [e] = await silver.rows<{ new_users: number; returning_users: number; new_cents: number; returning_cents: number }>(
        `WITH firsts AS (SELECT user_id, min(event_date) AS first_date FROM silver GROUP BY user_id),
         active AS (SELECT user_id, coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) AS revenue FROM silver ${silver.where(f, params)} GROUP BY user_id)
         SELECT count(*) FILTER (WHERE first_date >= CAST($from AS DATE)) AS new_users, count(*) FILTER (WHERE first_date < CAST($from AS DATE)) AS returning_users,
           CAST(coalesce(sum(revenue) FILTER (WHERE first_date >= CAST($from AS DATE)), 0) * 100 AS BIGINT) AS new_cents,
           CAST(coalesce(sum(revenue) FILTER (WHERE first_date < CAST($from AS DATE)), 0) * 100 AS BIGINT) AS returning_cents
         FROM active JOIN firsts USING (user_id)`,
        params,
      );
      const r = await segments.newVsReturning(fast);
      expect({ f, r: [r.newUsers, r.returningUsers, Math.round(r.newRevenue * 100), Math.round(r.returningRevenue * 100)] }).toEqual({
        f,
        r: [e.new_users, e.returning_users, e.new_cents, e.returning_cents],
      });
    }
  });
});

describe('serving tables derived from product_daily and user_summary', () => {
  it('rank products, brands and abandoned products, and count segments, like grouping their sources', async () => {
    const state = await service.catalog.current();
    expect(state.versions.product_cumulative).not.toBeNull();
    expect(state.versions.user_segments).not.toBeNull();
    // The per-product layout of the cumulative totals (product-ranges.ts) is built for this lake.
    await service.catalog.settled(state);
    expect(state.productRanges.relation).not.toBeNull();
    for (const f of [...filterSets(), { from: range.min, to: range.min }]) {
      for (const [sort, order] of [['revenue', 'desc'], ['views', 'desc'], ['conversionRate', 'desc'], ['carts', 'asc']] as const) {
        const [fast] = await scopes({ ...f, sort, order, page: 2, pageSize: 7 });
        const slow = { ...fast, state: withoutDerivedTables(fast.state) };
        const joined = { ...fast, state: { ...fast.state, productRanges: { relation: null } } };
        const top = await products.top(fast);
        expect({ f, sort, top }).toEqual({ f, sort, top: await products.top(slow) });
        expect({ f, sort, top }).toEqual({ f, sort, top: await products.top(joined) });
      }
      const [fast] = await scopes({ ...f, limit: 200 });
      const slow = { ...fast, state: withoutDerivedTables(fast.state) };
      expect({ f, brands: await products.brands(fast) }).toEqual({ f, brands: await products.brands(slow) });
      expect({ f, abandonment: await funnel.abandonment(fast) }).toEqual({ f, abandonment: await funnel.abandonment(slow) });
    }
    const [fast] = await scopes({ from: range.min, to: range.max });
    const slow = { ...fast, state: withoutDerivedTables(fast.state) };
    expect(await segments.rfm(fast)).toEqual(await segments.rfm(slow));
    expect(await segments.behaviour(fast)).toEqual(await segments.behaviour(slow));
  });
});

describe('brand companions (running brand totals, brand activity)', () => {
  it('give the brands, the revenue breakdown and the funnel per brand of their source tables', async () => {
    const state = await service.catalog.current();
    expect(Object.keys(state.companions).sort()).toEqual(['brand_activity', 'brand_running']);
    const [{ second }] = await silver.rows<{ second: string }>(
      "SELECT brand_label AS second FROM silver WHERE brand_label NOT IN ('unknown', $b) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
      { b: brand },
    );
    const sets = [...filterSets(), { from: range.min, to: range.min }, { from: range.max, to: range.max }, { from: '2019-10-08', to: '2019-10-14', brands: [brand, second] }, { ...cutRanges[2], brands: [second] }];
    for (const f of sets) {
      const [fast] = await scopes({ ...f, limit: 5, dimension: 'brand' as const });
      const plain = { ...fast, state: { ...fast.state, companions: {} } };
      expect({ f, brands: await products.brands(fast) }).toEqual({ f, brands: await products.brands(plain) });
      expect({ f, breakdown: await executive.breakdown(fast) }).toEqual({ f, breakdown: await executive.breakdown(plain) });
      expect({ f, funnel: await funnel.byDimension(fast) }).toEqual({ f, funnel: await funnel.byDimension(plain) });
    }
  });
});
