'use client';

import { barOption, funnelOption } from '@/components/charts/breakdown';
import { Chart } from '@/components/charts/chart';
import { timeSeriesOption } from '@/components/charts/time-series';
import { useProvenance } from '@/components/charts/use-provenance';
import { useCrossFilter } from '@/components/filters/use-cross-filter';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import type { Outputs } from '@/components/trpc/types';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { Card } from '@/components/ui/card';
import { numCol, textCol } from '@/components/ui/csv';
import { fmtInt, fmtPct, fmtUsd } from '@/components/ui/format';
import { emptyBecause } from '@/components/ui/empty';

type Step = Outputs['funnel']['steps']['steps'][number];
type DimRow = Outputs['funnel']['byDimension'][number];
type TrendRow = Outputs['funnel']['trend'][number];
type Abandoned = Outputs['funnel']['abandonment']['topProducts'][number];
type TtpRow = Outputs['funnel']['timeToPurchase'][number];

const STEP_LABEL: Record<string, string> = { view: 'Viewed a product', cart: 'Added to cart', purchase: 'Purchased' };

const dimColumns = (label: string) => [
  textCol<DimRow>('name', label, (r) => r.name),
  numCol<DimRow>('sessions', 'Sessions', (r) => r.sessions, fmtInt),
  numCol<DimRow>('cartRate', 'Cart rate', (r) => r.cartRate, fmtPct),
  numCol<DimRow>('conversionRate', 'Conversion rate', (r) => r.conversionRate, fmtPct),
  numCol<DimRow>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd),
];

export function FunnelView() {
  const trpc = useTRPC();
  const { filters } = useView();
  const steps = usePageQuery(trpc.funnel.steps.queryOptions(filters));
  const byCategory = usePageQuery(trpc.funnel.byDimension.queryOptions({ ...filters, dimension: 'category', limit: 15 }));
  const byBrand = usePageQuery(trpc.funnel.byDimension.queryOptions({ ...filters, dimension: 'brand', limit: 15 }));
  const trend = usePageQuery(trpc.funnel.trend.queryOptions(filters));
  const abandonment = usePageQuery(trpc.funnel.abandonment.queryOptions({ ...filters, limit: 10 }));
  const ttp = usePageQuery(trpc.funnel.timeToPurchase.queryOptions(filters));
  const { annotations, incompleteDays } = useProvenance();
  const onCategory = useCrossFilter('categories');
  const onBrand = useCrossFilter('brands');
  const empty = emptyBecause(filters, 'sessions');

  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-5">
        <Card
          className="lg:col-span-3"
          title="Session funnel: view → cart → purchase"
          subtitle="Sessions reaching each step; label = share of the previous step"
          query={steps}
          testId="chart-funnel"
          height={260}
          emptyMessage={empty}
          rows={(d) => (d.sessions > 0 ? d.steps : [])}
          columns={[
            textCol<Step>('step', 'Step', (r) => STEP_LABEL[r.step] ?? r.step),
            numCol<Step>('sessions', 'Sessions', (r) => r.sessions, fmtInt),
            numCol<Step>('stepConversion', 'Of previous step', (r) => r.stepConversion, fmtPct),
            numCol<Step>('dropOff', 'Drop-off', (r) => r.dropOff, fmtPct),
            numCol<Step>('overallConversion', 'Of all sessions', (r) => r.overallConversion, fmtPct),
          ]}
          takeaway={(d) => {
            const cart = d.steps.find((s) => s.step === 'cart');
            const buy = d.steps.find((s) => s.step === 'purchase');
            return cart && buy ? `${fmtPct(cart.stepConversion, 1)} of viewing sessions add to cart; ${fmtPct(buy.stepConversion, 1)} of those buy — the biggest drop is ${(cart.dropOff ?? 0) > (buy.dropOff ?? 0) ? 'before the cart' : 'after the cart'}.` : null;
          }}
        >
          {(_, shown) => <Chart height={260} span="threeFifths" label="Funnel of sessions from view to cart to purchase" build={(theme) => funnelOption(shown.rows.map((s) => ({ name: STEP_LABEL[s.step] ?? s.step, sessions: s.sessions })), theme)} />}
        </Card>
        <Card
          className="lg:col-span-2"
          title="Cart abandonment"
          subtitle="Sessions with a cart and no purchase; value = cart prices left behind (USD)"
          query={abandonment}
          testId="table-abandonment"
          height={260}
          emptyMessage={emptyBecause(filters, 'carts')}
          rows={(d) => d.topProducts}
          tablePageSize={5}
          columns={[
            numCol<Abandoned>('productId', 'Product', (r) => r.productId, (v) => String(v ?? '—')),
            textCol<Abandoned>('brand', 'Brand', (r) => r.brand),
            textCol<Abandoned>('categoryL1', 'Category', (r) => r.categoryL1),
            numCol<Abandoned>('abandonedCarts', 'Abandoned carts', (r) => r.abandonedCarts, fmtInt),
            numCol<Abandoned>('abandonedValue', 'Value (USD)', (r) => r.abandonedValue, fmtUsd),
          ]}
          takeaway={(d) => `${fmtPct(d.rate, 1)} of ${fmtInt(d.cartSessions)} cart sessions ended without a purchase, leaving ${fmtUsd(d.abandonedValue)} in carts. Most abandoned products:`}
        />
      </div>

      <Card
        title="Cart rate and conversion rate per day"
        subtitle="Share of sessions (%) that added to cart / purchased, by UTC day; ▲ = last day a pipeline run loaded"
        query={trend}
        testId="chart-funnel-trend"
        height={300}
        emptyMessage={empty}
        rows={(d) => d}
        columns={[
          textCol<TrendRow>('date', 'Date (UTC)', (r) => r.date),
          numCol<TrendRow>('sessions', 'Sessions', (r) => r.sessions, fmtInt),
          numCol<TrendRow>('cartRate', 'Cart rate', (r) => r.cartRate, fmtPct),
          numCol<TrendRow>('conversionRate', 'Conversion rate', (r) => r.conversionRate, fmtPct),
        ]}
        takeaway={(d) => {
          const rated = d.filter((r) => r.conversionRate !== null);
          if (!rated.length) return null;
          const best = rated.reduce((a, b) => ((b.conversionRate ?? 0) > (a.conversionRate ?? 0) ? b : a));
          return `Conversion peaked on ${best.date} at ${fmtPct(best.conversionRate)}.`;
        }}
      >
        {(_, shown) => (
          <Chart
            height={300}
            span="full"
            label="Daily cart rate and conversion rate"
            build={(theme) =>
              timeSeriesOption(
                {
                  dates: shown.rows.map((r) => r.date),
                  values: { cartRate: shown.rows.map((r) => r.cartRate), conversionRate: shown.rows.map((r) => r.conversionRate) },
                  series: [
                    { key: 'cartRate', name: 'Cart rate', unit: 'rate' },
                    { key: 'conversionRate', name: 'Conversion rate', unit: 'rate' },
                  ],
                  annotations,
                  incompleteDays,
                },
                theme,
              )
            }
          />
        )}
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        {(
          [
            ['category', 'Conversion by category', byCategory, onCategory, 'Category'],
            ['brand', 'Conversion by brand', byBrand, onBrand, 'Brand'],
          ] as const
        ).map(([dim, title, query, onClick, label]) => (
          <Card
            key={dim}
            title={title}
            subtitle={`Orders ÷ sessions (%), top 15 ${dim === 'brand' ? 'brands' : 'categories'} by sessions; click a bar to filter`}
            query={query}
            testId={`chart-funnel-${dim}`}
            height={360}
            emptyMessage={empty}
            rows={(d) => d}
            columns={dimColumns(label)}
            takeaway={(d) => {
              const rated = d.filter((r) => r.conversionRate !== null && r.sessions >= 20);
              if (!rated.length) return null;
              const best = rated.reduce((a, b) => ((b.conversionRate ?? 0) > (a.conversionRate ?? 0) ? b : a));
              return `${best.name} converts best: ${fmtPct(best.conversionRate)} of its ${fmtInt(best.sessions)} sessions.`;
            }}
          >
            {(_, shown) => (
              <Chart
                height={360}
                label={title}
                onClick={onClick}
                build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.name, value: r.conversionRate, note: `${fmtInt(r.sessions)} sessions · cart rate ${fmtPct(r.cartRate)}` })), unit: 'rate', seriesName: 'Conversion rate', horizontal: true, selected: dim === 'brand' ? filters.brands : filters.categories }, theme)}
              />
            )}
          </Card>
        ))}
      </div>

      <Card
        title="Time to purchase"
        subtitle="Purchases by minutes from session start to the purchase"
        query={ttp}
        testId="chart-time-to-purchase"
        height={280}
        emptyMessage={emptyBecause(filters, 'purchases')}
        rows={(d) => (d.some((r) => r.purchases > 0) ? d : [])}
        columns={[textCol<TtpRow>('bucket', 'Minutes after session start', (r) => r.bucket), numCol<TtpRow>('purchases', 'Purchases', (r) => r.purchases, fmtInt), numCol<TtpRow>('share', 'Share', (r) => r.share, fmtPct)]}
        takeaway={(d) => {
          const top = d.reduce((a, b) => (b.purchases > a.purchases ? b : a));
          return `Most purchases (${fmtPct(top.share, 0)}) happen ${top.bucket} minutes into the session.`;
        }}
      >
        {(_, shown) => <Chart height={280} span="full" label="Purchases by minutes after session start" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: `${r.bucket} min`, value: r.purchases, note: `${fmtPct(r.share)} of purchases` })), unit: 'count', seriesName: 'Purchases' }, theme)} />}
      </Card>
    </div>
  );
}
