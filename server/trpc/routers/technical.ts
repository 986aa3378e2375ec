import { z } from 'zod';
import * as q from '../../queries/technical';
import { filtersShape } from '../filters';
import { publicProcedure, router } from '../init';

const asOf = filtersShape.asOf;

export const technicalRouter = router({
  /** Recent pipeline runs with their stages. */
  runs: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20), asOf }).optional())
    .query(({ ctx, input, path }) => ctx.service.serveState(ctx.trace, `${path}:${input?.limit ?? 20}`, input?.asOf, (state) => q.runs(ctx.service.db, state, input?.limit ?? 20))),
  /** The latest run's data-quality scorecard. */
  quality: publicProcedure
    .input(z.object({ asOf }).optional())
    .query(({ ctx, input, path }) => ctx.service.serveState(ctx.trace, path, input?.asOf, (state) => q.quality(ctx.service.db, state))),
  /** Every Delta table under the lake: version, files, bytes, partitions, recent history (always latest). */
  tables: publicProcedure
    .input(z.object({ historyLimit: z.number().int().min(0).max(50).default(5) }).optional())
    .query(({ ctx, input }) => q.tables(ctx.service.catalog.lakeDir, input?.historyLimit ?? 5)),
  /** Per-procedure latency since the process started (p50/p95 over the last 2048 calls). */
  apiLatency: publicProcedure.query(({ ctx }) => ({
    procedures: ctx.service.metrics.snapshot(),
    cacheEntries: ctx.service.cache.size,
    cacheCapacity: ctx.service.cache.capacity,
    rssBytes: process.memoryUsage().rss,
    uptimeSeconds: Math.round(process.uptime()),
    /** The latest state's background serving work (the product range layout) is done. */
    servingSettled: ctx.service.catalog.isSettled(),
  })),
});

