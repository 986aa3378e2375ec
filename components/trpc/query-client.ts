import { QueryClient } from '@tanstack/react-query';

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
        // Only answers: a query still running when the page is sent is fetched by the client after
        // hydration (the server joins the computation already in flight). Dehydrating its promise
        // instead would render data on the client where the server rendered a skeleton (a hydration
        // mismatch) whenever the answer arrives before hydration.
        shouldDehydrateQuery: (query) => query.state.status === 'success',
      },
    },
  });
}
