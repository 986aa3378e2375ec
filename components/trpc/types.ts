import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/trpc/routers/_app';

/** What each procedure returns, for typing rows handed to tables and charts. */
export type Outputs = inferRouterOutputs<AppRouter>;
