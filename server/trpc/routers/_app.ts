import { createCallerFactory, router } from '../init';
import { executiveRouter } from './executive';
import { funnelRouter } from './funnel';
import { metaRouter } from './meta';
import { productsRouter } from './products';
import { segmentsRouter } from './segments';
import { technicalRouter } from './technical';
import { temporalRouter } from './temporal';

export const appRouter = router({
  meta: metaRouter,
  executive: executiveRouter,
  funnel: funnelRouter,
  products: productsRouter,
  segments: segmentsRouter,
  temporal: temporalRouter,
  technical: technicalRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
