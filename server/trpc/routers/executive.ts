import { z } from 'zod';
import * as q from '../../queries/executive';
import { insightSentences } from '../../queries/insights';
import { filtersInput, withFilters } from '../filters';
import { publicProcedure, router } from '../init';

export const executiveRouter = router({
  /** Section 3 KPIs for the range and the previous period of the same length. */
  kpis: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.kpis)),
  /** Daily series for sparklines and the revenue/orders chart. */
  daily: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.daily)),
  /** Revenue by category (l1) and by brand (top `limit`, rest as `(other)`). */
  breakdown: publicProcedure
    .input(withFilters({ limit: z.number().int().min(1).max(50).default(10) }))
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.breakdown)),
  /** 3–5 sentences computed from the KPIs, breakdown and daily series. */
  insights: publicProcedure.input(filtersInput).query(({ ctx, input, path }) =>
    ctx.service.serve(ctx.trace, path, input, async (scope) => {
      const [k, b, d] = await Promise.all([q.kpis(scope), q.breakdown({ ...scope, input: { limit: 10 } }), q.daily(scope)]);
      return { sentences: insightSentences(scope, k, b, d) };
    }),
  ),
});
