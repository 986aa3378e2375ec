import { createCallerFactory, router } from '../init';
import { executiveRouter } from './executive';
import { metaRouter } from './meta';

export const appRouter = router({
  meta: metaRouter,
  executive: executiveRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
