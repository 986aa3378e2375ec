import { z } from 'zod';
import * as q from '../../queries/funnel';
import { filtersInput, withFilters } from '../filters';
import { publicProcedure, router } from '../init';

export const funnelRouter = router({
  /** Sessions reaching view → cart → purchase, with step conversion and drop-off. */
  steps: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.steps)),
  /** The funnel per category (l1) or brand, top `limit` by sessions. */
  byDimension: publicProcedure
    .input(withFilters({ dimension: z.enum(['category', 'brand']).default('category'), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.byDimension)),
  /** Daily cart rate and conversion rate. */
  trend: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.trend)),
  /** Cart abandonment: rate, value, top abandoned products. */
  abandonment: publicProcedure
    .input(withFilters({ limit: z.number().int().min(1).max(100).default(10) }))
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.abandonment)),
  /** Purchases by minutes from session start. */
  timeToPurchase: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.timeToPurchase)),
});
