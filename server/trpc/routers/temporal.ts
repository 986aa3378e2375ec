import { z } from 'zod';
import * as q from '../../queries/temporal';
import { filtersInput, withFilters } from '../filters';
import { publicProcedure, router } from '../init';

const metrics = Object.keys(q.HEATMAP_METRICS) as [keyof typeof q.HEATMAP_METRICS, ...Array<keyof typeof q.HEATMAP_METRICS>];

export const temporalRouter = router({
  /** Hour (UTC) × ISO weekday, normalised per occurrence of each weekday in the range. */
  heatmap: publicProcedure
    .input(withFilters({ metric: z.enum(metrics).default('events') }))
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.heatmap)),
  /** Daily trend with trailing 7-day averages. */
  daily: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.daily)),
  /** Per-day averages on weekdays vs weekends. */
  weekdayWeekend: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.weekdayWeekend)),
  /** Days whose revenue or sessions are ≥ `threshold` standard deviations from the range mean. */
  anomalies: publicProcedure
    .input(withFilters({ threshold: z.number().min(1).max(5).default(2) }))
    .query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.anomalies)),
});
