'use client';

import { hydrate, useQueryClient, type DehydratedState } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/**
 * Puts answers that reached the page after its first part into the query cache during the first
 * render, before the children read them. TanStack's HydrationBoundary defers queries the cache
 * already holds to an effect, and effects never run on the server: the first part of the page
 * created these queries there (pending), so the late part would render skeletons again.
 *
 * A query something outside this part already observes (in the browser: the page chrome) is
 * hydrated in an effect instead, as HydrationBoundary does, so no other component is notified
 * while this one renders. On the server nothing observes a query.
 */
export function HydrateLate({ state, children }: { state: DehydratedState; children: React.ReactNode }) {
  const queryClient = useQueryClient();
  const [observed] = useState(() => {
    const cache = queryClient.getQueryCache();
    const isObserved = (query: DehydratedState['queries'][number]) => (cache.get(query.queryHash)?.getObserversCount() ?? 0) > 0;
    hydrate(queryClient, { mutations: [], queries: state.queries.filter((query) => !isObserved(query)) });
    return state.queries.filter(isObserved);
  });
  useEffect(() => {
    if (observed.length > 0) hydrate(queryClient, { mutations: [], queries: observed });
  }, [queryClient, observed]);
  return children;
}
