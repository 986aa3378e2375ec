'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { parseView, serializeView, type Filters, type ViewState } from './url-state';

const EMPTY: ViewState = { filters: {}, compare: false };

/**
 * The current view (filters + compare) from the URL, and a setter that pushes a new history entry so
 * back/forward step through filter changes. Invalid URLs are handled by the page (it shows a message);
 * here they read as the whole period so controls still render.
 */
export function useView(): { view: ViewState; filters: Filters; setView: (next: ViewState) => void; update: (patch: Partial<Filters>, compare?: boolean) => void } {
  const params = useSearchParams();
  const pathname = usePathname();
  const key = params.toString();
  const view = useMemo(() => {
    const parsed = parseView(new URLSearchParams(key));
    return parsed.ok ? parsed.view : EMPTY;
  }, [key]);
  const setView = useCallback(
    (next: ViewState) => {
      const query = serializeView(next);
      // Native pushState is synced with Next's router (useSearchParams updates, back/forward work) and
      // skips the server round trip: the client fetches the new numbers and keeps the old ones meanwhile.
      window.history.pushState(null, '', query ? `${pathname}?${query}` : pathname);
    },
    [pathname],
  );
  const update = useCallback(
    (patch: Partial<Filters>, compare?: boolean) => {
      const filters = { ...view.filters, ...patch };
      for (const k of Object.keys(filters) as (keyof Filters)[]) {
        const v = filters[k];
        if (v === undefined || (Array.isArray(v) && v.length === 0)) delete filters[k];
      }
      setView({ filters, compare: compare ?? view.compare });
    },
    [view, setView],
  );
  return { view, filters: view.filters, setView, update };
}
