import { z } from 'zod';
import * as q from '../../queries/products';
import { filtersInput, withFilters } from '../filters';
import { publicProcedure, router } from '../init';

const sortKeys = Object.keys(q.PRODUCT_SORTS) as [keyof typeof q.PRODUCT_SORTS, ...Array<keyof typeof q.PRODUCT_SORTS>];

export const productsRouter = router({
  /** Products ranked by `sort`, one page at a time (`total` = products in the slice). */
  top: publicProcedure
    .input(
      withFilters({
        sort: z.enum(sortKeys).default('revenue'),
        order: z.enum(['asc', 'desc']).default('desc'),
        page: z.number().int().min(1).max(10_000).default(1),
        pageSize: z.number().int().min(1).max(100).default(20),
      }),
    )
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.top)),
  /** Category tree l1 → l2 → l3 for the treemap. */
  categoryTree: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.categoryTree)),
  /** Brand performance, top `limit` by revenue. */
  brands: publicProcedure
    .input(withFilters({ limit: z.number().int().min(1).max(200).default(25) }))
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.brands)),
  /** Views, purchases, revenue per price band (bands of pipeline/layers/gold/model.ts). */
  priceBands: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.priceBands)),
});
