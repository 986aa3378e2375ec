'use client';

import type { Provenance } from '@/components/charts/use-provenance';
import type { QueryState } from '@/components/ui/card';
import { downloadCsv, toCsv, type Column } from '@/components/ui/csv';
import { change, fmtInt, fmtPct, fmtUnit } from '@/components/ui/format';
import { Sparkline } from '@/components/ui/sparkline';
import { ErrorState, Skeleton } from '@/components/ui/states';
import { KPI_SPECS, type KpiData, type DailyPoint } from './kpi-specs';

interface KpiCardsProps {
  query: QueryState<KpiData>;
  daily?: DailyPoint[];
  /** Quarantine share and partly loaded days of the same filtered range (meta.provenance). */
  provenance?: Provenance;
}

function quarantineNote(p: Provenance | undefined): string | null {
  if (!p) return null;
  const q = p.quarantine;
  const undated = q.undatedRows ? ` A further ${fmtInt(q.undatedRows)} quarantined row${q.undatedRows === 1 ? '' : 's'} had no valid time and belong${q.undatedRows === 1 ? 's' : ''} to no range.` : '';
  return `Data quality: ${fmtPct(q.share)} of the ${fmtInt(q.sourceRows)} source rows in this range (${fmtInt(q.quarantinedRows)}) failed a cleaning rule, were quarantined and are not counted.${undated}`;
}

/** "2019-10-31 is only partly loaded (events to 11:59 UTC) — this range is incomplete, …", or null. */
function incompleteNote(p: Provenance | undefined, hasPrevious: boolean): string | null {
  if (!p) return null;
  const parts: string[] = [];
  if (p.partialDays.length) {
    const { lastDate, lastEventHour } = p.completeness;
    const until = p.partialDays.includes(lastDate) && lastEventHour !== null ? ` (events to ${String(lastEventHour).padStart(2, '0')}:59 UTC)` : '';
    parts.push(`${p.partialDays.join(' and ')} ${p.partialDays.length === 1 ? 'is' : 'are'} only partly loaded${until}`);
  }
  if (hasPrevious && p.previousPartialDays.length) parts.push(`the previous period includes the partly loaded ${p.previousPartialDays.join(', ')}`);
  if (!parts.length) return null;
  const effect = hasPrevious ? 'this range is incomplete, so changes against the previous period are not like for like.' : 'this range is incomplete.';
  const text = `${parts.join('; ')} — ${effect}`;
  return text[0].toUpperCase() + text.slice(1);
}

interface KpiRow {
  label: string;
  current: number | null;
  previous: number | null;
}

const KPI_COLUMNS: Column<KpiRow>[] = [
  { key: 'label', label: 'Metric', value: (r) => r.label },
  { key: 'current', label: 'This period', value: (r) => r.current },
  { key: 'previous', label: 'Previous period', value: (r) => r.previous },
];

/** Headline numbers with change vs the previous period, a sparkline and the definition on hover. */
export function KpiCards({ query, daily, provenance }: KpiCardsProps) {
  if (query.error) return <ErrorState height={236} message={query.error.message} onRetry={() => void query.refetch()} />;
  const data = query.data;
  const incomplete = data ? incompleteNote(provenance, data.previous !== null) : null;
  const quality = quarantineNote(provenance);
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
        {data ? (
          <button
            type="button"
            className="btn"
            onClick={() => downloadCsv('key-figures.csv', toCsv(KPI_COLUMNS, KPI_SPECS.map((spec) => ({ label: spec.label, current: data.current[spec.key], previous: data.previous ? data.previous[spec.key] : null }))))}
          >
            CSV
          </button>
        ) : null}
        {incomplete ? (
          <p className="w-full rounded bg-amber-100 px-1.5 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100" data-testid="incomplete-flag">
            {incomplete}
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
          // An incomplete range is never coloured as good or bad news against a full period.
          const good = delta === null || delta === 0 || incomplete ? null : delta > 0 === spec.higherIsBetter;
          const deltaText = delta === null ? 'no comparison' : `${spec.unit === 'rate' ? `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(2)} pts` : `${delta >= 0 ? '+' : ''}${fmtPct(delta, 1)}`}${incomplete ? ' · incomplete' : ''}`;
          const tip = [
            `${spec.label}: ${spec.definition}`,
            prev !== null ? `Previous period: ${fmtUnit(prev, spec.unit)}` : null,
            incomplete,
            quality,
          ]
            .filter(Boolean)
            .join('\n');
          return (
            <li key={spec.key} className="card group relative h-[112px] p-3" data-testid={`kpi-${spec.key}`} data-value={value === null ? '' : String(value)} tabIndex={0} aria-describedby={`kpi-tip-${spec.key}`}>
              <p className="truncate text-xs font-medium text-slate-600 dark:text-slate-400">{spec.label}</p>
              <p className="mt-0.5 text-xl font-semibold tabular-nums" data-testid="kpi-value">
                {fmtUnit(value, spec.unit)}
              </p>
              <p className={`text-xs tabular-nums ${incomplete && delta !== null ? 'text-amber-700 dark:text-amber-300' : good === null ? 'text-slate-500' : good ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-700 dark:text-red-400'}`} data-testid="kpi-delta">
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
