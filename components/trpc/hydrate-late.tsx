'use client';

import { hydrate, useQueryClient, type DehydratedState } from '@tanstack/react-query';
import { useState } from 'react';

/**
 * Puts answers that reached the page after its first part into the query cache during the first
 * render, before the children read them. TanStack's HydrationBoundary defers queries the cache
 * already holds to an effect, which never runs on the server: the first part of the page created
 * these (pending) queries there, so the late part would render skeletons again. In the browser the
 * late part hydrates before anything has observed these queries, so nothing is notified mid-render.
 */
export function HydrateLate({ state, children }: { state: DehydratedState; children: React.ReactNode }) {
  const queryClient = useQueryClient();
  useState(() => hydrate(queryClient, state));
  return children;
}
