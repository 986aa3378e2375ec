'use client';

import { keepPreviousData, useQuery, type UseQueryOptions, type QueryKey } from '@tanstack/react-query';

/**
 * useQuery for dashboard data: while new filters load, the previous numbers stay on screen (dimmed by
 * the card) instead of collapsing to a skeleton, so filter changes cause no layout shift.
 */
export function usePageQuery<TData, TError, TKey extends QueryKey>(options: UseQueryOptions<TData, TError, TData, TKey>) {
  return useQuery({ ...options, placeholderData: keepPreviousData });
}
