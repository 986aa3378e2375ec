'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { metaInput } from '@/components/filters/url-state';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import { fmtInt } from '@/components/ui/format';
import type { RunAnnotation } from './time-series';

/** The event dates a run stage loaded, when the API reports them (gold `datesRebuilt`, silver `touchedDates`). */
function stageDates(stage: object): string[] {
  for (const key of ['datesRebuilt', 'touchedDates', 'dates'] as const) {
    const value = (stage as Record<string, unknown>)[key];
    if (Array.isArray(value)) return value.filter((d): d is string => typeof d === 'string');
  }
  return [];
}

/** Pipeline runs as markers on time-series charts: one per run that loaded data in the chart's range. */
export function useAnnotations(): RunAnnotation[] {
  const trpc = useTRPC();
  const { filters } = useView();
  const runs = useQuery(trpc.technical.runs.queryOptions({ limit: 20, asOf: filters.asOf }));
  return useMemo(
    () =>
      (runs.data ?? []).flatMap((run) => {
        const dates = [...new Set(run.stages.flatMap(stageDates))];
        if (!dates.length) return [];
        const bronze = run.stages.find((s) => s.stage === 'bronze');
        const silver = run.stages.find((s) => s.stage === 'silver');
        const version = Object.entries(run.stages.find((s) => s.stage === 'gold')?.versions ?? {}).find(([t]) => t === 'gold.daily_kpis')?.[1];
        const label = `Pipeline run ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC: ${fmtInt(bronze?.rowsIn ?? 0)} rows in, ${fmtInt(silver?.quarantined ?? 0)} quarantined${version !== undefined ? `, gold v${version}` : ''}`;
        return [{ dates, label }];
      }),
    [runs.data],
  );
}

/** The first date that is only partly loaded (the last day, when its last event is before 23:00 UTC). */
export function useIncompleteFrom(): string | null {
  const trpc = useTRPC();
  const { filters } = useView();
  const freshness = useQuery(trpc.meta.freshness.queryOptions(metaInput(filters)));
  return freshness.data?.partialLastDay ? freshness.data.maxDate : null;
}
