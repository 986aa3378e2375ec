'use client';

import { useCallback } from 'react';
import type { ChartClick } from '@/components/charts/chart';
import { useView } from './use-view';

/** Clicking a bar or slice of a category/brand chart adds that value to the global filter. */
export function useCrossFilter(kind: 'categories' | 'brands'): (event: ChartClick) => void {
  const { filters, update } = useView();
  return useCallback(
    (event: ChartClick) => {
      const name = event.name;
      if (!name || name.startsWith('(')) return; // "(other)" and similar buckets are not filterable values
      const current = filters[kind] ?? [];
      if (current.includes(name)) return;
      update({ [kind]: [...current, name].sort() });
    },
    [filters, kind, update],
  );
}
