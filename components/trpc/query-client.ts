import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';

/**
 * One factory for the server (a fresh client per request) and the browser (one per tab). Gold data
 * only changes when the pipeline commits, and the freshness poll invalidates queries when it does,
 * so a generous staleTime avoids refetching what the server just prefetched.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5 * 60_000, retry: 1, refetchOnWindowFocus: false },
      dehydrate: {
        // Include pending queries so a prefetch that has not finished still streams to the client.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
        // Errors are re-fetched on the client, where the error state with retry lives.
        shouldRedactErrors: () => false,
      },
    },
  });
}
