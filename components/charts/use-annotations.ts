'use client';

import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { addDays, metaInput } from '@/components/filters/url-state';
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

const MAX_RUNS = 10;

function datesBetween(afterDate: string | null, lastDate: string): string[] {
  const out: string[] = [];
  for (let d = lastDate; (afterDate === null || d > afterDate) && out.length < 400; d = addDays(d, -1)) out.push(d);
  return out;
}

/**
 * Pipeline runs as markers on time-series charts: one per run that loaded data in the chart's range.
 * The dates a run loaded come from its stages when the API reports them; otherwise they are derived
 * from the gold states: a run's state reaches `maxDate`, the state before it reached an earlier one,
 * so the run added the days in between (exact for the usual append of new days; a run that only
 * reloaded old days gets no marker).
 */
export function useAnnotations(): RunAnnotation[] {
  const trpc = useTRPC();
  const { filters } = useView();
  const runs = useQuery(trpc.technical.runs.queryOptions({ limit: 20, asOf: filters.asOf }));
  const meta = useQuery(trpc.meta.filters.queryOptions(metaInput(filters)));
  const reported = (runs.data ?? []).some((run) => run.stages.some((s) => stageDates(s).length > 0));
  // The newest gold version of each run, oldest run first, up to the state being viewed.
  const states = useMemo(() => {
    if (reported || !meta.data) return [];
    const byRun = new Map<string, number>();
    for (const v of meta.data.goldVersions) {
      if (meta.data.goldVersion !== null && v.version > meta.data.goldVersion) continue;
      const key = v.runId ?? `v${v.version}`;
      byRun.set(key, Math.max(byRun.get(key) ?? -1, v.version));
    }
    return [...byRun.entries()].sort((a, b) => a[1] - b[1]).slice(-MAX_RUNS - 1);
  }, [meta.data, reported]);
  const freshness = useQueries({ queries: states.map(([, version]) => ({ ...trpc.meta.freshness.queryOptions({ asOf: version }), staleTime: Infinity })) });
  const derived = freshness.map((q) => q.data?.maxDate ?? null);
  const derivedKey = derived.join(',');

  return useMemo(() => {
    const all = runs.data ?? [];
    const label = (run: (typeof all)[number] | undefined, runId: string, version?: number) => {
      const bronze = run?.stages.find((s) => s.stage === 'bronze');
      const silver = run?.stages.find((s) => s.stage === 'silver');
      const at = run ? `${run.startedAt.slice(0, 16).replace('T', ' ')} UTC` : runId;
      const counts = run ? `: ${fmtInt(bronze?.rowsIn ?? 0)} rows in, ${fmtInt(silver?.quarantined ?? 0)} quarantined` : '';
      return `Pipeline run ${at}${counts}${version !== undefined ? `, gold v${version}` : ''}`;
    };
    if (reported) {
      return all.flatMap((run) => {
        const dates = [...new Set(run.stages.flatMap(stageDates))];
        const version = run.stages.find((s) => s.stage === 'gold')?.versions['gold.daily_kpis'];
        return dates.length ? [{ dates, label: label(run, run.runId, version) }] : [];
      });
    }
    const maxDates = derivedKey.split(',').map((d) => d || null);
    return states.flatMap(([runId, version], i) => {
      const maxDate = maxDates[i];
      if (!maxDate || i === 0 && states.length > MAX_RUNS) return [];
      const before = i === 0 ? null : maxDates[i - 1];
      const dates = datesBetween(before, maxDate);
      return dates.length ? [{ dates, label: label(all.find((r) => r.runId === runId), runId, version) }] : [];
    });
  }, [runs.data, reported, states, derivedKey]);
}

/** The first date that is only partly loaded (the last day, when its last event is before 23:00 UTC). */
export function useIncompleteFrom(): string | null {
  const trpc = useTRPC();
  const { filters } = useView();
  const freshness = useQuery(trpc.meta.freshness.queryOptions(metaInput(filters)));
  return freshness.data?.partialLastDay ? freshness.data.maxDate : null;
}
