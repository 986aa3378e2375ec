/** Funnel, products, segments, temporal, technical and meta procedures against silver events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICE_BANDS } from '../../../pipeline/layers/gold/model';
import type { GoldService } from '../../service';
import { openService, Silver, testLakeDir } from '../../test-support';
import { callerFor } from '../server';

let service: GoldService;
let silver: Silver;
let caller: ReturnType<typeof callerFor>;
let category: string;
let brand: string;
const week = { from: '2019-10-08', to: '2019-10-14' };

beforeAll(async () => {
  const lakeDir = await testLakeDir();
  service = await openService(lakeDir);
  silver = await Silver.open(lakeDir);
  caller = callerFor(service);
  [{ category }] = await silver.rows<{ category: string }>("SELECT category_l1 AS category FROM silver WHERE category_l1 <> 'unknown' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  [{ brand }] = await silver.rows<{ brand: string }>("SELECT brand_label AS brand FROM silver WHERE category_l1 = $c AND brand_label <> 'unknown' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1", { c: category });
});

afterAll(() => service?.close());

const filters = () => [week, { ...week, categories: [category] }, { ...week, categories: [category], brands: [brand] }];

describe('funnel', () => {
  it('steps count sessions reaching view, cart and purchase in the slice', async () => {
    for (const f of filters()) {
      const params: Record<string, string> = {};
      const [e] = await silver.rows<{ sessions: number; v: number; c: number; p: number }>(
        `WITH s AS (SELECT user_session, bool_or(event_type = 'view') AS v, bool_or(event_type = 'cart') AS c, bool_or(event_type = 'purchase') AS p FROM silver ${silver.where(f, params)} GROUP BY 1)
         SELECT count(*) AS sessions, count(*) FILTER (WHERE v) AS v, count(*) FILTER (WHERE c) AS c, count(*) FILTER (WHERE p) AS p FROM s`,
        params,
      );
      const r = await caller.funnel.steps(f);
      expect(r.sessions).toBe(e.sessions);
      expect(r.steps.map((s) => s.sessions)).toEqual([e.v, e.c, e.p]);
      expect(r.steps[1].stepConversion).toBe(Math.round((e.c / e.v) * 1e6) / 1e6);
    }
  });

  it('byDimension, trend and abandonment agree with the KPIs', async () => {
    const k = await silver.kpis(week);
    const byCategory = await caller.funnel.byDimension({ ...week, dimension: 'category', limit: 100 });
    const params: Record<string, string> = {};
    const perCategory = await silver.rows<{ name: string; sessions: number }>(`SELECT category_l1 AS name, count(DISTINCT user_session) AS sessions FROM silver ${silver.where(week, params)} GROUP BY 1`, params);
    for (const row of perCategory) expect(byCategory.find((c) => c.name === row.name)?.sessions).toBe(row.sessions);
    const trend = await caller.funnel.trend(week);
    expect(trend).toHaveLength(7);
    const day = await silver.kpis({ from: trend[2].date, to: trend[2].date });
    expect(trend[2]).toMatchObject({ sessions: day.sessions, orders: day.orders, conversionRate: day.conversionRate });
    const a = await caller.funnel.abandonment(week);
    expect(a.rate).toBe(k.cartAbandonmentRate);
    const ttp = await caller.funnel.timeToPurchase({ ...week, categories: [category] });
    expect(ttp.reduce((s, b) => s + b.purchases, 0)).toBe((await silver.kpis({ ...week, categories: [category] })).purchases);
  });
});

describe('products', () => {
  it('top products are ranked by revenue to the cent and paginate', async () => {
    const f = { ...week, categories: [category] };
    const params: Record<string, string> = {};
    const expected = await silver.rows<{ product_id: number; cents: number; purchases: number }>(
      `SELECT product_id, CAST(coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) * 100 AS BIGINT) AS cents, count(*) FILTER (WHERE event_type = 'purchase') AS purchases
       FROM silver ${silver.where(f, params)} GROUP BY 1 ORDER BY cents DESC, product_id`,
      params,
    );
    const page1 = await caller.products.top({ ...f, pageSize: 5 });
    const page2 = await caller.products.top({ ...f, pageSize: 5, page: 2 });
    expect(page1.total).toBe(expected.length);
    expect([...page1.rows, ...page2.rows].map((r) => [r.productId, r.revenue, r.purchases])).toEqual(expected.slice(0, 10).map((e) => [e.product_id, e.cents / 100, e.purchases]));
    const byViews = await caller.products.top({ ...f, sort: 'views', order: 'asc', pageSize: 3 });
    expect(byViews.rows[0].views).toBeLessThanOrEqual(byViews.rows[2].views);
  });

  it('top products rank every sort exactly as the events do, with and without a category', async () => {
    for (const f of [week, { ...week, categories: [category] }]) {
      const params: Record<string, string> = {};
      const totals = `SELECT product_id, count(*) FILTER (WHERE event_type = 'view') AS views, count(*) FILTER (WHERE event_type = 'cart') AS carts,
          count(*) FILTER (WHERE event_type = 'purchase') AS purchases, CAST(coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0) * 100 AS BIGINT) AS cents
        FROM silver ${silver.where(f, params)} GROUP BY 1`;
      const orders = { revenue: 'cents DESC', views: 'views DESC', carts: 'carts ASC', conversionRate: 'purchases / nullif(views, 0) DESC NULLS LAST' } as const;
      for (const [sort, order] of Object.entries(orders) as Array<[keyof typeof orders, string]>) {
        const expected = await silver.rows<{ product_id: number; views: number; carts: number; purchases: number; cents: number }>(
          `SELECT * FROM (${totals}) ORDER BY ${order}, product_id LIMIT 8`,
          params,
        );
        const got = await caller.products.top({ ...f, sort, order: order.includes('ASC') ? 'asc' : 'desc', pageSize: 8 });
        expect(got.rows.map((r) => [r.productId, r.views, r.carts, r.purchases, r.revenue]), `${sort} ${JSON.stringify(f)}`).toEqual(
          expected.map((e) => [e.product_id, e.views, e.carts, e.purchases, e.cents / 100]),
        );
      }
    }
  });

  it('category tree, brands and price bands sum to the slice revenue', async () => {
    for (const f of filters()) {
      const k = await silver.kpis(f);
      const cents = (rows: Array<{ revenue: number }>) => Math.round(rows.reduce((s, r) => s + r.revenue * 100, 0));
      expect(cents(await caller.products.categoryTree(f))).toBe(Math.round(k.revenue * 100));
      expect(cents((await caller.products.brands({ ...f, limit: 200 })).rows)).toBe(Math.round(k.revenue * 100));
      const bands = await caller.products.priceBands(f);
      expect(bands.map((b) => b.band)).toEqual(PRICE_BANDS.map((b) => b.label));
      expect(cents(bands)).toBe(Math.round(k.revenue * 100));
      expect(bands.reduce((s, b) => s + b.views, 0)).toBe(k.views);
    }
  });
});

describe('segments', () => {
  it('new vs returning and sessions per user cover every active user of the slice', async () => {
    for (const f of filters()) {
      const k = await silver.kpis(f);
      const nvr = await caller.segments.newVsReturning(f);
      expect(nvr.newUsers + nvr.returningUsers).toBe(k.users);
      expect(Math.round((nvr.newRevenue + nvr.returningRevenue) * 100)).toBe(Math.round(k.revenue * 100));
      const spu = await caller.segments.sessionsPerUser(f);
      expect(spu.reduce((s, b) => s + b.users, 0)).toBe(k.users);
    }
  });

  it('period segments cover every user; session length covers sessions started in range', async () => {
    const [all] = await silver.rows<{ users: number }>('SELECT count(DISTINCT user_id) AS users FROM silver');
    const rfm = await caller.segments.rfm({});
    expect(rfm.segments.reduce((s, r) => s + r.users, 0)).toBe(all.users);
    const behaviour = await caller.segments.behaviour({});
    expect(behaviour.segments.reduce((s, r) => s + r.users, 0)).toBe(all.users);
    const cohorts = await caller.segments.cohorts({});
    expect(cohorts.cohorts.reduce((s, c) => s + c.users, 0)).toBe(all.users);
    const params: Record<string, string> = { from: week.from, to: week.to };
    const [started] = await silver.rows<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT user_session FROM silver GROUP BY 1 HAVING CAST(min(event_time) AS DATE) BETWEEN CAST($from AS DATE) AND CAST($to AS DATE))',
      params,
    );
    const length = await caller.segments.sessionLength(week);
    expect(length.byEvents.reduce((s, b) => s + b.sessions, 0)).toBe(started.n);
    expect(length.byDuration.reduce((s, b) => s + b.sessions, 0)).toBe(started.n);
  });
});

describe('temporal', () => {
  it('heatmap sums events per weekday and hour, divided by weekday occurrences', async () => {
    const range = { from: '2019-10-01', to: '2019-10-16' };
    const params: Record<string, string> = {};
    const expected = await silver.rows<{ weekday: number; hour: number; n: number }>(
      `SELECT CAST(isodow(event_date) AS INTEGER) AS weekday, CAST(hour(event_time) AS INTEGER) AS hour, count(*) AS n FROM silver ${silver.where(range, params)} GROUP BY ALL`,
      params,
    );
    const h = await caller.temporal.heatmap(range);
    expect(h.occurrences).toEqual({ 1: 2, 2: 3, 3: 3, 4: 2, 5: 2, 6: 2, 7: 2 });
    for (const e of expected) {
      const cell = h.cells.find((c) => c.weekday === e.weekday && c.hour === e.hour)!;
      expect(cell.total).toBe(e.n);
      expect(cell.perDay).toBe(Math.round((e.n / h.occurrences[e.weekday]) * 100) / 100);
    }
  });

  it('daily trend, weekday/weekend and anomalies', async () => {
    const days = await caller.temporal.daily({});
    const k = await silver.kpis({ from: days[0].date, to: days[0].date });
    expect(days[0]).toMatchObject({ revenue: k.revenue, sessions: k.sessions, revenueAvg7: k.revenue });
    const six = days.slice(0, 7);
    expect(days[6].revenueAvg7).toBe(Math.round((six.reduce((s, d) => s + d.revenue, 0) / 7) * 100) / 100);
    const ww = await caller.temporal.weekdayWeekend(week);
    expect(ww.map((w) => w.days)).toEqual([5, 2]);
    const anomalies = await caller.temporal.anomalies({ threshold: 2 });
    for (const a of anomalies.anomalies) expect(Math.abs(a.zScore)).toBeGreaterThanOrEqual(2);
  });
});

describe('technical and meta', () => {
  it('lists runs, quality, every Delta table and API latency', async () => {
    const runs = await caller.technical.runs();
    expect(runs[0].stages.map((s) => s.stage)).toEqual(['bronze', 'silver', 'gold']);
    const quality = await caller.technical.quality();
    expect(quality.balanced).toBe(true);
    const tables = await caller.technical.tables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['bronze.events', 'silver.events', 'gold.session_facts', 'gold.daily_kpis']));
    const events = tables.find((t) => t.name === 'silver.events')!;
    expect(events.partitionColumns).toEqual(['event_date']);
    expect(events.partitions).toBeGreaterThanOrEqual(31);
    await service.catalog.settled(await service.catalog.current());
    const latency = await caller.technical.apiLatency();
    expect(latency.procedures.find((p) => p.procedure === 'technical.runs')?.count).toBeGreaterThan(0);
    // Readiness: the latest state's background serving work (the product range layout) is done.
    expect(latency.servingSettled).toBe(true);
  });

  it('filters lists the data range, categories with l2, ranked brands and versions; brand search and freshness', async () => {
    const m = await caller.meta.filters();
    const [r] = await silver.rows<{ min: string; max: string }>('SELECT CAST(min(event_date) AS VARCHAR) AS min, CAST(max(event_date) AS VARCHAR) AS max FROM silver');
    expect([m.minDate, m.maxDate]).toEqual([r.min, r.max]);
    expect(m.categories.find((c) => c.l1 === category)?.l2.length).toBeGreaterThan(0);
    expect(m.brands[0].rank).toBe(1);
    expect(m.tables['gold.daily_kpis']).toBe(m.goldVersion);
    const found = await caller.meta.brandSearch({ q: brand.slice(0, 3) });
    expect(found.map((b) => b.brand)).toContain(brand);
    const fresh = await caller.meta.freshness();
    expect(fresh.goldVersion).toBe(m.goldVersion);
    expect(fresh.maxDate).toBe(r.max);
  });

  it('serves repeated calls from the cache', async () => {
    await caller.funnel.steps(week);
    await caller.funnel.steps({ to: week.to, from: week.from });
    const stats = (await caller.technical.apiLatency()).procedures.find((p) => p.procedure === 'funnel.steps')!;
    expect(stats.cacheHits).toBeGreaterThan(0);
  });
});
