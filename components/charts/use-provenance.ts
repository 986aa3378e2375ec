'use client';

import { useMemo } from 'react';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import type { Outputs } from '@/components/trpc/types';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { fmtInt } from '@/components/ui/format';
import type { RunAnnotation } from './time-series';

export type Provenance = Outputs['meta']['provenance'];
type Marker = Provenance['runs'][number];

export function runLabel(run: Marker): string {
  const at = `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC`;
  const span = run.dates.length > 1 ? `${run.dates[0]} … ${run.dates[run.dates.length - 1]}` : run.dates[0];
  const version = run.goldVersion === null ? '' : `, gold v${run.goldVersion}`;
  return `Pipeline run ${at}: ${fmtInt(run.rowsIn)} rows in, ${fmtInt(run.quarantined)} quarantined${version}; rebuilt ${span}`;
}

/**
 * The provenance of the filtered range (one procedure, prefetched with the page): pipeline runs that
 * rebuilt dates in it, as time-series markers; its partly loaded days, shaded; the share of its
 * source rows that were quarantined, for the KPI tooltips.
 */
export function useProvenance(): { data: Provenance | undefined; annotations: RunAnnotation[]; incompleteDays: string[] } {
  const trpc = useTRPC();
  const { filters } = useView();
  const query = usePageQuery(trpc.meta.provenance.queryOptions(filters));
  const data = query.data;
  const annotations = useMemo(() => (data?.runs ?? []).map((run) => ({ dates: run.dates, label: runLabel(run) })), [data]);
  return { data, annotations, incompleteDays: data?.partialDays ?? [] };
}
