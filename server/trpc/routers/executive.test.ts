import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoldService } from '../../service';
import { openService, Silver, testLakeDir, type SilverFilter } from '../../test-support';
import { callerFor } from '../server';

let service: GoldService;
let silver: Silver;
let caller: ReturnType<typeof callerFor>;
let range: { min: string; max: string };
let category: string;
let brand: string;

beforeAll(async () => {
  const lakeDir = await testLakeDir();
  service = await openService(lakeDir);
  silver = await Silver.open(lakeDir);
  caller = callerFor(service);
  const [r] = await silver.rows<{ min: string; max: string }>('SELECT CAST(min(event_date) AS VARCHAR) AS min, CAST(max(event_date) AS VARCHAR) AS max FROM silver');
  range = r;
  // The busiest category and brand, and a pair that has purchases, so every filter has data.
  [{ category }] = await silver.rows<{ category: string }>("SELECT category_l1 AS category FROM silver WHERE category_l1 <> 'unknown' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1");
  [{ brand }] = await silver.rows<{ brand: string }>(
    "SELECT brand_label AS brand FROM silver WHERE category_l1 = $c AND brand_label <> 'unknown' AND event_type = 'purchase' GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    { c: category },
  );
});

afterAll(() => service?.close());

const week = { from: '2019-10-08', to: '2019-10-14' };

describe('executive.kpis', () => {
  const cases: Array<[string, () => SilverFilter & { categories?: string[]; brands?: string[] }]> = [
    ['the whole data range', () => ({ from: range.min, to: range.max })],
    ['one week', () => week],
    ['a single day', () => ({ from: '2019-10-20', to: '2019-10-20' })],
    ['a category', () => ({ ...week, categories: [category] })],
    ['a brand', () => ({ ...week, brands: [brand] })],
    ['a category and a brand', () => ({ ...week, categories: [category], brands: [brand] })],
    ['the unknown brand and two categories', () => ({ from: range.min, to: range.max, categories: [category, 'unknown'], brands: ['unknown'] })],
  ];
  for (const [name, filter] of cases) {
    it(`matches section 3 over silver events for ${name}`, async () => {
      const f = filter();
      const result = await caller.executive.kpis(f);
      expect(result.current).toEqual(await silver.kpis(f));
    });
  }

  it('compares with the previous period of the same length, or null before the data', async () => {
    const result = await caller.executive.kpis({ ...week, categories: [category] });
    expect(result.previousRange).toEqual({ from: '2019-10-01', to: '2019-10-07' });
    expect(result.previous).toEqual(await silver.kpis({ from: '2019-10-01', to: '2019-10-07', categories: [category] }));
    const first = await caller.executive.kpis({ from: range.min, to: '2019-10-05' });
    expect(first.previous).toBeNull();
    expect(first.previousRange).toBeNull();
  });

  it('defaults to the whole data range', async () => {
    const result = await caller.executive.kpis({});
    expect(result.range).toMatchObject({ from: range.min, to: range.max });
    expect(result.current).toEqual(await silver.kpis({ from: range.min, to: range.max }));
  });
});

describe('executive.daily', () => {
  it('gives each day exactly, with and without slice filters', async () => {
    for (const f of [week, { ...week, categories: [category], brands: [brand] }]) {
      const days = await caller.executive.daily(f);
      expect(days.map((d) => d.date)).toEqual(['2019-10-08', '2019-10-09', '2019-10-10', '2019-10-11', '2019-10-12', '2019-10-13', '2019-10-14']);
      for (const d of days) {
        const k = await silver.kpis({ ...f, from: d.date, to: d.date });
        expect({ ...d }).toEqual({ date: d.date, views: k.views, carts: k.carts, purchases: k.purchases, revenue: k.revenue, users: k.users, sessions: k.sessions, orders: k.orders, conversionRate: k.conversionRate });
      }
    }
  });
});

describe('executive.breakdown', () => {
  it('gives revenue by category and brand to the cent', async () => {
    const b = await caller.executive.breakdown({ ...week, limit: 50 });
    const params: Record<string, string> = {};
    const byCategory = await silver.rows<{ name: string; cents: number }>(
      `SELECT category_l1 AS name, CAST(sum(price) * 100 AS BIGINT) AS cents FROM silver ${silver.where(week, params)} AND event_type = 'purchase' GROUP BY 1`,
      params,
    );
    for (const row of byCategory) expect(b.byCategory.find((c) => c.name === row.name)?.revenue).toBe(row.cents / 100);
    const byBrand = await silver.rows<{ name: string; cents: number }>(
      `SELECT brand_label AS name, CAST(sum(price) * 100 AS BIGINT) AS cents FROM silver ${silver.where(week, params)} AND event_type = 'purchase' GROUP BY 1 ORDER BY cents DESC, name LIMIT 50`,
      params,
    );
    for (const row of byBrand) expect(b.byBrand.find((c) => c.name === row.name)?.revenue).toBe(row.cents / 100);
    expect(b.totalRevenue).toBe((await silver.kpis(week)).revenue);
  });

  it('sums the brands beyond the limit as (other)', async () => {
    const b = await caller.executive.breakdown({ ...week, limit: 3 });
    expect(b.byBrand).toHaveLength(4);
    expect(b.byBrand[3].name).toBe('(other)');
    expect(Math.round(b.byBrand.reduce((s, r) => s + r.revenue, 0) * 100)).toBe(Math.round(b.totalRevenue * 100));
  });
});

describe('executive.insights', () => {
  it('writes 3 to 5 sentences that quote the page numbers', async () => {
    const { sentences } = await caller.executive.insights(week);
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    expect(sentences.length).toBeLessThanOrEqual(5);
    const k = await silver.kpis(week);
    expect(sentences[0]).toContain(k.revenue.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  });
});
