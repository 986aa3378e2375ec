'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { FilterBar } from '@/components/filters/filter-bar';
import { metaInput } from '@/components/filters/url-state';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import { fmtAgo } from '@/components/ui/format';

const FRESHNESS_POLL_MS = 15_000;

function subscribeMinute(callback: () => void): () => void {
  const timer = setInterval(callback, 15_000);
  return () => clearInterval(timer);
}
const currentMinute = () => Math.floor(Date.now() / 60_000);

/** Time-travel banner, provenance line and the global filter bar, on every dashboard page. */
export function DashboardChrome() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { filters, update } = useView();
  const input = metaInput(filters);
  const meta = useQuery(trpc.meta.filters.queryOptions(input));
  const freshness = useQuery({ ...trpc.meta.freshness.queryOptions(input), refetchInterval: filters.asOf === undefined ? FRESHNESS_POLL_MS : false, staleTime: FRESHNESS_POLL_MS });
  const seenVersion = useRef<number | null>(null);
  const version = freshness.data?.goldVersion ?? null;

  // A new gold version committed while the page is open: refetch everything (no reload).
  useEffect(() => {
    if (version === null || filters.asOf !== undefined) return;
    if (seenVersion.current !== null && seenVersion.current !== version) {
      void queryClient.invalidateQueries({ predicate: (q) => JSON.stringify(q.queryKey[0]) !== JSON.stringify(['meta', 'freshness']) });
    }
    seenVersion.current = version;
  }, [version, filters.asOf, queryClient]);

  return (
    <div className="mb-6 space-y-3">
      {filters.asOf !== undefined ? (
        <div role="status" data-testid="asof-banner" className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-amber-400 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-100">
          <p>
            <strong>Time travel:</strong> you are viewing the dashboard as of gold version <strong data-testid="asof-version">{filters.asOf}</strong>
            {freshness.data?.lastRunFinishedAt ? `, left by the pipeline run that finished ${new Date(freshness.data.lastRunFinishedAt).toUTCString()}` : ''}. Numbers are not the latest.
          </p>
          <button type="button" className="btn" onClick={() => update({ asOf: undefined })}>
            Back to latest
          </button>
        </div>
      ) : null}
      <Provenance freshness={freshness.data} loading={freshness.isPending} />
      {meta.data ? (
        <FilterBar options={meta.data} />
      ) : meta.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Filters unavailable: {meta.error.message}{' '}
          <button type="button" className="btn" onClick={() => void meta.refetch()}>
            Retry
          </button>
        </p>
      ) : (
        <div className="h-16 animate-pulse rounded-lg bg-slate-200/70 dark:bg-slate-800/70" />
      )}
    </div>
  );
}

interface FreshnessData {
  goldVersion: number | null;
  maxDate: string;
  lastRunFinishedAt: string | null;
  partialLastDay: boolean;
  lastEventHour: number | null;
}

function Provenance({ freshness, loading }: { freshness?: FreshnessData; loading: boolean }) {
  // Re-render every minute so "X minutes ago" stays true; the clock starts after hydration.
  const minute = useSyncExternalStore(subscribeMinute, currentMinute, () => null);
  const now = minute === null ? null : minute * 60_000;
  if (loading || !freshness) return <p className="h-5 text-xs text-slate-500">Checking data freshness…</p>;
  return (
    <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="provenance" data-gold-version={freshness.goldVersion ?? ''}>
      Data as of gold version <strong>{freshness.goldVersion ?? '—'}</strong>
      {freshness.lastRunFinishedAt ? (
        <>
          , last pipeline run <time dateTime={freshness.lastRunFinishedAt}>{now === null ? new Date(freshness.lastRunFinishedAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : fmtAgo(freshness.lastRunFinishedAt, now)}</time>
        </>
      ) : (
        ', no pipeline run recorded'
      )}
      . Events through {freshness.maxDate}
      {freshness.partialLastDay ? (
        <span className="ml-1 rounded bg-amber-100 px-1 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100">
          last day incomplete{freshness.lastEventHour !== null ? ` (to ${String(freshness.lastEventHour).padStart(2, '0')}:59 UTC)` : ''}
        </span>
      ) : null}
      .
    </p>
  );
}
