'use client';

import type { QueryState } from '@/components/ui/card';
import { change, fmtPct, fmtUnit } from '@/components/ui/format';
import { Sparkline } from '@/components/ui/sparkline';
import { ErrorState, Skeleton } from '@/components/ui/states';
import { KPI_SPECS, type KpiData, type DailyPoint } from './kpi-specs';

interface KpiCardsProps {
  query: QueryState<KpiData>;
  daily?: DailyPoint[];
  /** Share of source rows quarantined in the range, when the API provides it. */
  quarantineShare?: number | null;
  incomplete: boolean;
}

/** Headline numbers with change vs the previous period, a sparkline and the definition on hover. */
export function KpiCards({ query, daily, quarantineShare, incomplete }: KpiCardsProps) {
  if (query.error) return <ErrorState height={236} message={query.error.message} onRetry={() => void query.refetch()} />;
  const data = query.data;
  return (
    <section aria-label="Key figures" data-testid="kpi-cards" data-ready={data && !query.isPlaceholderData ? 'true' : 'false'}>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-600 dark:text-slate-400">
        <p>
          {data ? (
            <>
              {data.range.from} – {data.range.to} ({data.range.days} days, UTC)
              {data.previousRange ? ` vs ${data.previousRange.from} – ${data.previousRange.to}` : ' · no complete previous period in the data to compare with'}
            </>
          ) : (
            ' '
          )}
        </p>
        {incomplete ? (
          <p className="rounded bg-amber-100 px-1.5 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100" data-testid="incomplete-flag">
            Includes a partly loaded last day — changes vs the previous period understate it.
          </p>
        ) : null}
      </div>
      <ul className={`grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-6 ${query.isPlaceholderData ? 'opacity-60' : ''}`}>
        {KPI_SPECS.map((spec) => {
          if (!data) {
            return (
              <li key={spec.key} className="card h-[112px]">
                <Skeleton height={78} label={`Loading ${spec.label}`} />
              </li>
            );
          }
          const value = data.current[spec.key];
          const prev = data.previous ? data.previous[spec.key] : null;
          const delta = spec.unit === 'rate' ? (value !== null && prev !== null ? value - prev : null) : change(value, prev);
          const good = delta === null || delta === 0 ? null : delta > 0 === spec.higherIsBetter;
          const deltaText = delta === null ? 'no comparison' : spec.unit === 'rate' ? `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(2)} pts` : `${delta >= 0 ? '+' : ''}${fmtPct(delta, 1)}`;
          const tip = [
            `${spec.label}: ${spec.definition}`,
            prev !== null ? `Previous period: ${fmtUnit(prev, spec.unit)}` : null,
            quarantineShare !== undefined && quarantineShare !== null ? `${fmtPct(quarantineShare)} of source rows loaded by the recorded pipeline runs were quarantined (failed a cleaning rule) and are not counted.` : null,
          ]
            .filter(Boolean)
            .join('\n');
          return (
            <li key={spec.key} className="card group relative h-[112px] p-3" data-testid={`kpi-${spec.key}`} data-value={value === null ? '' : String(value)} tabIndex={0} aria-describedby={`kpi-tip-${spec.key}`}>
              <p className="truncate text-xs font-medium text-slate-600 dark:text-slate-400">{spec.label}</p>
              <p className="mt-0.5 text-xl font-semibold tabular-nums" data-testid="kpi-value">
                {fmtUnit(value, spec.unit)}
              </p>
              <p className={`text-xs tabular-nums ${good === null ? 'text-slate-500' : good ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}`}>
                {delta !== null ? (delta > 0 ? '▲ ' : delta < 0 ? '▼ ' : '') : ''}
                {deltaText}
              </p>
              {spec.spark && daily ? <Sparkline values={daily.map(spec.spark)} label={`${spec.label} per day`} /> : null}
              <div id={`kpi-tip-${spec.key}`} role="tooltip" data-testid="kpi-tooltip" className="pointer-events-none absolute inset-x-0 top-full z-20 mt-1 hidden rounded-md border border-slate-200 bg-white p-2 text-xs whitespace-pre-line text-slate-700 shadow-lg group-hover:block group-focus-visible:block dark:border-slate-700 dark:bg-slate-800 dark:text-slate-200">
                {tip}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
