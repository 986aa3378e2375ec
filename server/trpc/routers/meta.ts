import { z } from 'zod';
import { lastDayHours, lastRun, searchBrands } from '../../queries/meta';
import { completeness, partialDaysIn, quarantineShare, runMarkers } from '../../queries/provenance';
import { previousRange } from '../../queries/executive';
import { ANCHOR_TABLE } from '../../lake/gold-tables';
import { filtersInput } from '../filters';
import { publicProcedure, router } from '../init';

const asOfOnly = z.object({ asOf: filtersInput.shape.asOf });

export const metaRouter = router({
  /** Data range, category tree, top brands, gold versions (the filter bar and time travel). */
  filters: publicProcedure.input(asOfOnly.optional()).query(async ({ ctx, input, path }) =>
    ctx.service.serveState(ctx.trace, path, input?.asOf, async (state) => {
      const meta = await ctx.service.meta(state);
      const history = await ctx.service.catalog.history(ANCHOR_TABLE);
      return {
        minDate: meta.minDate,
        maxDate: meta.maxDate,
        categories: meta.categories,
        brands: meta.brands.slice(0, 100).map((b, i) => ({ ...b, rank: i + 1 })),
        brandCount: meta.brands.length,
        goldVersion: state.goldVersion,
        anchorTable: `gold.${ANCHOR_TABLE}`,
        goldVersions: history.entries.map((e) => ({ version: e.version, committedAt: new Date(e.timestamp).toISOString(), runId: e.runId })).reverse(),
        tables: Object.fromEntries(Object.entries(state.versions).map(([t, v]) => [`gold.${t}`, v])) as Record<string, number | null>,
      };
    }),
  ),

  /** Brands whose label contains `q`, in revenue rank order (the long tail of the brand picker). */
  brandSearch: publicProcedure
    .input(z.object({ q: z.string().max(100, 'must be at most 100 characters'), limit: z.number().int().min(1).max(100).default(20), asOf: filtersInput.shape.asOf }))
    .query(async ({ ctx, input, path }) =>
      ctx.service.serveState(ctx.trace, `${path}:${input.q.toLowerCase()}:${input.limit}`, input.asOf, async (state) => searchBrands(await ctx.service.meta(state), input.q, input.limit)),
    ),

  /** Gold version, last pipeline run, and whether the last day looks partial. */
  freshness: publicProcedure.input(asOfOnly.optional()).query(async ({ ctx, input, path }) =>
    ctx.service.serveState(ctx.trace, path, input?.asOf, async (state) => {
      const meta = await ctx.service.meta(state);
      const scope = { db: ctx.service.db, state, meta };
      const [run, hours, days] = await Promise.all([lastRun(scope), lastDayHours(scope), completeness(ctx.service.db, state, meta)]);
      return {
        goldVersion: state.goldVersion,
        asOf: state.asOf,
        maxDate: meta.maxDate,
        ...run,
        lastDayHours: hours.hours,
        lastEventHour: hours.lastEventHour,
        partialLastDay: days.lastDayPartial,
        checkedAt: new Date().toISOString(),
      };
    }),
  ),

  /**
   * Provenance of a filtered range: the pipeline runs that rebuilt dates inside it (chart markers),
   * the share of its source rows that were quarantined, and its partly loaded days (and those of the
   * previous period it is compared with).
   */
  provenance: publicProcedure.input(filtersInput).query(({ ctx, input, path }) =>
    ctx.service.serve(ctx.trace, path, input, async (scope) => {
      const { from, to } = scope.filters;
      const [runs, quarantine, days] = await Promise.all([
        runMarkers(scope.db, scope.state),
        quarantineShare(scope.db, scope.state, scope.filters, ctx.service.catalog.lakeDir),
        completeness(scope.db, scope.state, scope.meta),
      ]);
      const previous = previousRange(scope);
      return {
        range: { from, to },
        goldVersion: scope.state.goldVersion,
        runs: runs.flatMap((run) => {
          const dates = run.dates.filter((d) => d >= from && d <= to);
          return dates.length ? [{ ...run, dates }] : [];
        }),
        quarantine,
        completeness: days,
        partialDays: partialDaysIn(days, from, to),
        // A previous period can only hold the first loaded day, when that one is partial.
        previousPartialDays: previous ? partialDaysIn(days, previous.from, previous.to) : [],
      };
    }),
  ),
});
