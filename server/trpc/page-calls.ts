/**
 * The procedures the six dashboard pages prefetch (app/(dashboard)/…/page.tsx), with the
 * page-specific inputs they send on top of the filters. The API benchmark times them; the service
 * runs them once over every new gold state before publishing it (engine warm-up).
 */
import type { createCaller } from './routers/_app';

export type Input = Record<string, unknown>;
export type PageCall = (caller: ReturnType<typeof createCaller>, input: Input) => Promise<unknown>;

/** Procedures that take the global filters, by name as the benchmark reports them. */
export const FILTERED_PAGE_CALLS: Record<string, PageCall> = {
  'executive.kpis': (c, i) => c.executive.kpis(i),
  'executive.daily': (c, i) => c.executive.daily(i),
  'executive.breakdown': (c, i) => c.executive.breakdown({ ...i, limit: 10 }),
  'executive.insights': (c, i) => c.executive.insights(i),
  'meta.provenance': (c, i) => c.meta.provenance(i),
  'funnel.steps': (c, i) => c.funnel.steps(i),
  'funnel.byDimension(category)': (c, i) => c.funnel.byDimension({ ...i, dimension: 'category', limit: 15 }),
  'funnel.byDimension(brand)': (c, i) => c.funnel.byDimension({ ...i, dimension: 'brand', limit: 15 }),
  'funnel.trend': (c, i) => c.funnel.trend(i),
  'funnel.abandonment': (c, i) => c.funnel.abandonment({ ...i, limit: 10 }),
  'funnel.timeToPurchase': (c, i) => c.funnel.timeToPurchase(i),
  'products.top': (c, i) => c.products.top({ ...i, sort: 'revenue', order: 'desc', page: 1, pageSize: 100 }),
  'products.categoryTree': (c, i) => c.products.categoryTree(i),
  'products.brands': (c, i) => c.products.brands({ ...i, limit: 25 }),
  'products.priceBands': (c, i) => c.products.priceBands(i),
  'segments.rfm': (c, i) => c.segments.rfm(i),
  'segments.newVsReturning': (c, i) => c.segments.newVsReturning(i),
  'segments.sessionsPerUser': (c, i) => c.segments.sessionsPerUser(i),
  'segments.sessionLength': (c, i) => c.segments.sessionLength(i),
  'segments.cohorts': (c, i) => c.segments.cohorts(i),
  'segments.behaviour': (c, i) => c.segments.behaviour(i),
  'temporal.heatmap': (c, i) => c.temporal.heatmap({ ...i, metric: 'events' }),
  'temporal.daily': (c, i) => c.temporal.daily(i),
  'temporal.weekdayWeekend': (c, i) => c.temporal.weekdayWeekend(i),
  'temporal.anomalies': (c, i) => c.temporal.anomalies({ ...i, threshold: 2 }),
};

/** Procedures of every page's frame and of the technical page (no filters). */
export const FRAME_CALLS: PageCall[] = [
  (c) => c.meta.filters(),
  (c) => c.meta.freshness(),
  (c) => c.technical.runs({ limit: 20 }),
  (c) => c.technical.quality(),
];
