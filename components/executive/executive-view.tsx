'use client';

import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { barOption } from '@/components/charts/breakdown';
import { Chart } from '@/components/charts/chart';
import type { ChartTheme } from '@/components/charts/theme';
import { timeSeriesOption } from '@/components/charts/time-series';
import { useProvenance } from '@/components/charts/use-provenance';
import { useCrossFilter } from '@/components/filters/use-cross-filter';
import { metaInput, previousPeriod } from '@/components/filters/url-state';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { Card } from '@/components/ui/card';
import { fmtInt, fmtPct, fmtUsd } from '@/components/ui/format';
import { KpiCards } from './kpi-cards';

export function ExecutiveView() {
  const trpc = useTRPC();
  const { filters, view } = useView();
  const kpis = usePageQuery(trpc.executive.kpis.queryOptions(filters));
  const daily = usePageQuery(trpc.executive.daily.queryOptions(filters));
  const breakdown = usePageQuery(trpc.executive.breakdown.queryOptions({ ...filters, limit: 10 }));
  const insights = usePageQuery(trpc.executive.insights.queryOptions(filters));
  const meta = useQuery(trpc.meta.filters.queryOptions(metaInput(filters)));
  const prevRange = kpis.data?.previousRange ?? null;
  const previousDaily = useQuery({ ...trpc.executive.daily.queryOptions({ ...filters, ...(prevRange ?? {}) }), enabled: view.compare && prevRange !== null });
  const previousBreakdown = useQuery({ ...trpc.executive.breakdown.queryOptions({ ...filters, ...(prevRange ?? {}), limit: 10 }), enabled: view.compare && prevRange !== null });
  const previousOf = (kind: 'byCategory' | 'byBrand', names: string[]) => {
    if (!view.compare || !previousBreakdown.data) return undefined;
    const rows = previousBreakdown.data[kind];
    return { seriesName: 'Previous period', values: names.map((n) => rows.find((r) => r.name === n)?.revenue ?? null) };
  };
  const provenance = useProvenance();
  const { annotations, incompleteDays } = provenance;
  const onCategory = useCrossFilter('categories');
  const onBrand = useCrossFilter('brands');
  const range = kpis.data?.range;
  const scopeText = [filters.categories?.length ? `categories ${filters.categories.join(', ')}` : null, filters.brands?.length ? `brands ${filters.brands.join(', ')}` : null].filter(Boolean).join(' and ');
  const emptyWhy = `No purchases${scopeText ? ` for ${scopeText}` : ''} in this range — widen the dates or remove a filter.`;

  const buildTrend = useCallback(
    (theme: ChartTheme) => {
      const rows = daily.data ?? [];
      const prev = view.compare ? (previousDaily.data ?? []) : [];
      const values: Record<string, (number | null)[]> = { revenue: rows.map((r) => r.revenue), orders: rows.map((r) => r.orders) };
      const series = [
        { key: 'revenue', name: 'Revenue (USD)', unit: 'usd' as const, kind: 'bar' as const },
        { key: 'orders', name: 'Orders', unit: 'count' as const },
      ];
      if (prev.length) {
        values.prevRevenue = rows.map((_, i) => prev[i]?.revenue ?? null);
        series.push({ key: 'prevRevenue', name: 'Revenue, previous period', unit: 'usd' as const, kind: undefined as unknown as 'bar', dashed: true } as (typeof series)[number]);
      }
      return timeSeriesOption({ dates: rows.map((r) => r.date), values, series, annotations, incompleteDays }, theme);
    },
    [daily.data, previousDaily.data, view.compare, annotations, incompleteDays],
  );
  const selectedCategories = filters.categories;
  const selectedBrands = filters.brands;

  return (
    <div className="space-y-6">
      <section aria-labelledby="insights-heading" className="card" data-testid="insights">
        <h2 id="insights-heading" className="mb-2 text-base font-semibold">
          What changed
        </h2>
        {insights.error ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            Insights unavailable: {insights.error.message}{' '}
            <button type="button" className="btn" onClick={() => void insights.refetch()}>
              Retry
            </button>
          </p>
        ) : insights.data ? (
          insights.data.sentences.length ? (
            <>
              <ul className="list-disc space-y-1 pl-5 text-sm">
                {insights.data.sentences.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
              {incompleteDays.length ? (
                <p className="mt-2 text-xs text-amber-800 dark:text-amber-200" data-testid="insights-incomplete">
                  {incompleteDays.join(', ')} {incompleteDays.length === 1 ? 'is' : 'are'} only partly loaded: changes against the previous period understate this range.
                </p>
              ) : null}
            </>
          ) : (
            <p className="text-sm text-slate-600">Not enough data in this range to say what changed.</p>
          )
        ) : (
          <div className="h-24 animate-pulse rounded bg-slate-200/70 dark:bg-slate-800/70" />
        )}
      </section>

      <KpiCards query={kpis} daily={daily.data} provenance={provenance.data} />

      <Card
        title="Daily revenue and orders"
        subtitle="Revenue in USD (bars, left axis), orders = sessions with a purchase (line, right axis); days in UTC. ▲ marks the last day each pipeline run loaded (hover for rows in, quarantined, version)."
        query={daily}
        testId="chart-daily-revenue"
        height={320}
        emptyMessage={emptyWhy}
        rows={(rows) => rows}
        columns={[
            { key: 'date', label: 'Date (UTC)', value: (r) => r.date },
            { key: 'revenue', label: 'Revenue (USD)', value: (r) => r.revenue, format: (r) => fmtUsd(r.revenue), align: 'right' },
            { key: 'orders', label: 'Orders', value: (r) => r.orders, format: (r) => fmtInt(r.orders), align: 'right' },
            { key: 'sessions', label: 'Sessions', value: (r) => r.sessions, format: (r) => fmtInt(r.sessions), align: 'right' },
            { key: 'conversionRate', label: 'Conversion rate', value: (r) => r.conversionRate, format: (r) => fmtPct(r.conversionRate), align: 'right' },
          ]}
        takeaway={(rows) => {
          const best = rows.reduce((a, b) => (b.revenue > a.revenue ? b : a), rows[0]);
          return `Best day: ${best.date} with ${fmtUsd(best.revenue)} from ${fmtInt(best.orders)} orders.`;
        }}
      >
        {() => <Chart build={buildTrend} height={320} span="full" label="Daily revenue and orders over the selected range" />}
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Revenue by category"
          subtitle="USD, top-level category; grey = previous period when comparing; click a bar to filter by it"
          query={breakdown}
          testId="chart-category-revenue"
          height={340}
          emptyMessage={emptyWhy}
          rows={(b) => b.byCategory.filter((r) => r.revenue > 0)}
          columns={[
              { key: 'name', label: 'Category', value: (r) => r.name },
              { key: 'revenue', label: 'Revenue (USD)', value: (r) => r.revenue, format: (r) => fmtUsd(r.revenue), align: 'right' },
              { key: 'share', label: 'Share of revenue', value: (r) => r.share, format: (r) => fmtPct(r.share, 1), align: 'right' },
              { key: 'purchases', label: 'Purchases', value: (r) => r.purchases, format: (r) => fmtInt(r.purchases), align: 'right' },
            ]}
          takeaway={(_, shown) => (shown.rows[0] ? `${shown.rows[0].name} brings ${fmtPct(shown.rows[0].share, 0)} of revenue.` : null)}
        >
          {(_, shown) => (
            <Chart
              height={340}
              label="Revenue by top-level category"
              onClick={onCategory}
              build={(theme) => barOption({ rows: shown.rows.slice(0, 12).map((r) => ({ name: r.name, value: r.revenue, note: `${fmtPct(r.share, 1)} of revenue · ${fmtInt(r.purchases)} purchases` })), unit: 'usd', seriesName: 'Revenue', horizontal: true, selected: selectedCategories, compare: previousOf('byCategory', shown.rows.slice(0, 12).map((r) => r.name)) }, theme)}
            />
          )}
        </Card>
        <Card
          title="Revenue by brand"
          subtitle="USD, top 10 brands and the rest as (other); grey = previous period when comparing; click a bar to filter"
          query={breakdown}
          testId="chart-brand-revenue"
          height={340}
          emptyMessage={emptyWhy}
          rows={(b) => b.byBrand.filter((r) => r.revenue > 0)}
          columns={[
              { key: 'name', label: 'Brand', value: (r) => r.name },
              { key: 'revenue', label: 'Revenue (USD)', value: (r) => r.revenue, format: (r) => fmtUsd(r.revenue), align: 'right' },
              { key: 'share', label: 'Share of revenue', value: (r) => r.share, format: (r) => fmtPct(r.share, 1), align: 'right' },
              { key: 'purchases', label: 'Purchases', value: (r) => r.purchases, format: (r) => fmtInt(r.purchases), align: 'right' },
            ]}
          takeaway={(_, shown) => {
            const named = shown.rows.filter((r) => !r.name.startsWith('('));
            return named[0] ? `${named[0].name} leads with ${fmtUsd(named[0].revenue)} (${fmtPct(named[0].share, 0)}).` : null;
          }}
        >
          {(_, shown) => (
            <Chart
              height={340}
              label="Revenue by brand"
              onClick={onBrand}
              build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.name, value: r.revenue, note: `${fmtPct(r.share, 1)} of revenue · ${fmtInt(r.purchases)} purchases` })), unit: 'usd', seriesName: 'Revenue', horizontal: true, selected: selectedBrands, compare: previousOf('byBrand', shown.rows.map((r) => r.name)) }, theme)}
            />
          )}
        </Card>
      </div>
      {meta.data && view.compare && !prevRange && range ? <p className="text-xs text-slate-500">The previous period ({previousPeriod(range.from, range.to).from} – {previousPeriod(range.from, range.to).to}) is outside the loaded data, so there is nothing to compare with.</p> : null}
    </div>
  );
}
