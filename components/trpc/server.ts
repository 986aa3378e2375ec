/**
 * Server-side tRPC for pages: procedures are called in-process (no HTTP hop) into a per-request
 * QueryClient, which the page dehydrates into a HydrationBoundary so client components start with
 * data (no request waterfall on first load). Only server components import this file.
 */
import { TRPCError } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache } from 'react';
import { resolveFilters, type FiltersInput } from '@/server/trpc/filters';
import { createContext, noDataError } from '@/server/trpc/init';
import { appRouter } from '@/server/trpc/routers/_app';
import { makeQueryClient } from './query-client';

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

export type ServerTRPC = typeof trpc;

/**
 * Why the filters cannot be served (the procedures' own BAD_REQUEST message: asOf unknown, dates
 * outside the data, unknown category or brand), `no-lake` when there is no gold data yet (the API's
 * PRECONDITION_FAILED, see noDataError), or null. Pages check this before streaming, so a bad
 * link shows one readable message instead of an error in every card.
 */
export async function filtersProblem(filters: FiltersInput): Promise<string | null | 'no-lake'> {
  try {
    const { service } = await createContext();
    const state = await service.state(filters.asOf);
    resolveFilters(filters, await service.meta(state));
    return null;
  } catch (caught) {
    const error = noDataError(caught);
    if (error instanceof TRPCError && error.code === 'BAD_REQUEST') return error.message;
    // No gold tables yet (a fresh checkout before the first pipeline run): the page says what to do.
    if (error instanceof TRPCError && error.code === 'PRECONDITION_FAILED') return 'no-lake';
    throw caught;
  }
}
