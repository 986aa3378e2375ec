/**
 * Server-side tRPC for pages: procedures are called in-process (no HTTP hop) into a per-request
 * QueryClient, which the page dehydrates into a HydrationBoundary so client components start with
 * data (no request waterfall on first load). Only server components import this file.
 */
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache } from 'react';
import { createContext } from '@/server/trpc/init';
import { appRouter } from '@/server/trpc/routers/_app';
import { makeQueryClient } from './query-client';

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({ ctx: createContext, router: appRouter, queryClient: getQueryClient });

export type ServerTRPC = typeof trpc;
