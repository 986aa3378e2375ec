import * as q from '../../queries/segments';
import { filtersInput } from '../filters';
import { publicProcedure, router } from '../init';

export const segmentsRouter = router({
  /** RFM segments over the loaded period (scope: 'period'). */
  rfm: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.rfm)),
  /** Users active in the filtered range: first seen inside it vs before. */
  newVsReturning: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.newVsReturning)),
  /** Users by number of sessions in the filtered range. */
  sessionsPerUser: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.sessionsPerUser)),
  /** Sessions started in the date range by events and duration. */
  sessionLength: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.sessionLength)),
  /** Weekly cohort retention (scope: 'period'). */
  cohorts: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.cohorts)),
  /** Browsers, carters, buyers (scope: 'period'). */
  behaviour: publicProcedure.input(filtersInput).query(({ ctx, input, path }) => ctx.service.serve(ctx.trace, path, input, q.behaviour)),
});
