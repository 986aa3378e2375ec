'use client';

import { barOption, heatmapOption } from '@/components/charts/breakdown';
import { Chart } from '@/components/charts/chart';
import { timeSeriesOption } from '@/components/charts/time-series';
import { useProvenance } from '@/components/charts/use-provenance';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import type { Outputs } from '@/components/trpc/types';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { Card } from '@/components/ui/card';
import { numCol, textCol } from '@/components/ui/csv';
import { emptyBecause } from '@/components/ui/empty';
import { fmtInt, fmtPct, fmtUsd } from '@/components/ui/format';

type Cell = Outputs['temporal']['heatmap']['cells'][number];
type Day = Outputs['temporal']['daily'][number];
type Split = Outputs['temporal']['weekdayWeekend'][number];
type Anomaly = Outputs['temporal']['anomalies']['anomalies'][number];

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

export function TemporalView() {
  const trpc = useTRPC();
  const { filters } = useView();
  const heat = usePageQuery(trpc.temporal.heatmap.queryOptions({ ...filters, metric: 'events' }));
  const daily = usePageQuery(trpc.temporal.daily.queryOptions(filters));
  const split = usePageQuery(trpc.temporal.weekdayWeekend.queryOptions(filters));
  const anomalies = usePageQuery(trpc.temporal.anomalies.queryOptions({ ...filters, threshold: 2 }));
  const { annotations, incompleteDays } = useProvenance();

  return (
    <div className="space-y-6">
      <Card
        title="When shoppers are active: hour × weekday"
        subtitle="Events per occurrence of each weekday (a weekday appearing 5 times in the range is divided by 5); hours in UTC"
        query={heat}
        testId="chart-heatmap"
        height={320}
        emptyMessage={emptyBecause(filters, 'events')}
        rows={(d) => (d.cells.some((c) => c.total > 0) ? d.cells : [])}
        columns={[textCol<Cell>('weekday', 'Weekday', (r) => WEEKDAYS[r.weekday - 1]), numCol<Cell>('hour', 'Hour (UTC)', (r) => r.hour, (v) => `${String(v).padStart(2, '0')}:00`), numCol<Cell>('total', 'Events', (r) => r.total, fmtInt), numCol<Cell>('perDay', 'Events per day', (r) => r.perDay, (v) => (v === null ? '—' : v.toFixed(1)))]}
        takeaway={(d) => {
          const byHour = new Map<number, number>();
          for (const c of d.cells) byHour.set(c.hour, (byHour.get(c.hour) ?? 0) + (c.perDay ?? 0));
          const [hour] = [...byHour.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
          const best = d.cells.reduce((a, b) => ((b.perDay ?? 0) > (a.perDay ?? 0) ? b : a));
          return `Activity peaks at ${String(hour).padStart(2, '0')}:00 UTC; the busiest slot is ${WEEKDAYS[best.weekday - 1]} ${String(best.hour).padStart(2, '0')}:00.`;
        }}
      >
        {(_, shown) => (
          <Chart
            height={320}
            span="full"
            label="Heatmap of events by hour and weekday"
            build={(theme) => heatmapOption({ rows: WEEKDAYS, columns: HOURS, cells: shown.rows.map((c) => [c.hour, c.weekday - 1, c.perDay]), unit: 'count', valueName: 'Events per day' }, theme)}
          />
        )}
      </Card>

      <Card
        title="Daily revenue with 7-day average"
        subtitle="Revenue in USD per UTC day (bars) and its trailing 7-day average (line); sessions on the right axis; ▲ = last day a pipeline run loaded"
        query={daily}
        testId="chart-temporal-daily"
        height={320}
        emptyMessage={emptyBecause(filters, 'revenue')}
        rows={(d) => d}
        columns={[textCol<Day>('date', 'Date (UTC)', (r) => r.date), numCol<Day>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd), numCol<Day>('revenueAvg7', '7-day avg revenue (USD)', (r) => r.revenueAvg7, fmtUsd), numCol<Day>('sessions', 'Sessions', (r) => r.sessions, fmtInt), numCol<Day>('sessionsAvg7', '7-day avg sessions', (r) => r.sessionsAvg7, (v) => (v === null ? '—' : v.toFixed(0)))]}
        takeaway={(d) => {
          if (d.length < 8) return null;
          const first = d[6].revenueAvg7;
          const last = d[d.length - 1].revenueAvg7;
          if (!first) return null;
          const move = (last - first) / first;
          return Math.abs(move) < 0.01 ? `The 7-day average stayed flat from ${d[6].date} to ${d[d.length - 1].date} (${fmtUsd(last)} a day).` : `The 7-day average moved ${move > 0 ? 'up' : 'down'} ${fmtPct(Math.abs(move), 0)} from ${d[6].date} to ${d[d.length - 1].date}.`;
        }}
      >
        {(_, shown) => (
          <Chart
            height={320}
            span="full"
            label="Daily revenue and 7-day average"
            build={(theme) =>
              timeSeriesOption(
                {
                  dates: shown.rows.map((r) => r.date),
                  values: { revenue: shown.rows.map((r) => r.revenue), avg: shown.rows.map((r) => r.revenueAvg7), sessions: shown.rows.map((r) => r.sessions) },
                  series: [
                    { key: 'revenue', name: 'Revenue (USD)', unit: 'usd', kind: 'bar' },
                    { key: 'avg', name: '7-day average (USD)', unit: 'usd', axis: 0 },
                    { key: 'sessions', name: 'Sessions', unit: 'count', dashed: true },
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
        <Card
          title="Weekdays vs weekends"
          subtitle="Average revenue per day (USD); tooltip adds conversion"
          query={split}
          testId="chart-weekday-weekend"
          height={260}
          emptyMessage={emptyBecause(filters, 'events')}
          rows={(d) => d.filter((r) => r.days > 0)}
          columns={[textCol<Split>('kind', 'Days', (r) => r.kind), numCol<Split>('days', 'Days in range', (r) => r.days, fmtInt), numCol<Split>('eventsPerDay', 'Events per day', (r) => r.eventsPerDay, fmtInt), numCol<Split>('revenuePerDay', 'Revenue per day (USD)', (r) => r.revenuePerDay, fmtUsd), numCol<Split>('conversionRate', 'Conversion rate', (r) => r.conversionRate, fmtPct)]}
          takeaway={(d) => {
            const wd = d.find((r) => r.kind === 'weekday');
            const we = d.find((r) => r.kind === 'weekend');
            if (!wd?.revenuePerDay || !we?.revenuePerDay) return null;
            const diff = (we.revenuePerDay - wd.revenuePerDay) / wd.revenuePerDay;
            return `A weekend day earns ${fmtPct(Math.abs(diff), 0)} ${diff >= 0 ? 'more' : 'less'} than a weekday.`;
          }}
        >
          {(_, shown) => <Chart height={260} label="Revenue per day on weekdays and weekends" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.kind, value: r.revenuePerDay, note: `${fmtInt(r.eventsPerDay)} events/day · conversion ${fmtPct(r.conversionRate)}` })), unit: 'usd', seriesName: 'Revenue per day' }, theme)} />}
        </Card>
        <Card
          title="Unusual days"
          subtitle="Days whose revenue or sessions are at least 2 standard deviations from the range mean"
          query={anomalies}
          testId="table-anomalies"
          height={260}
          emptyMessage={`No unusual days${filters.from || filters.to ? ' in this range' : ''}: every day is within 2 standard deviations of the mean.`}
          rows={(d) => d.anomalies}
          columns={[textCol<Anomaly>('date', 'Date (UTC)', (r) => r.date), textCol<Anomaly>('metric', 'Metric', (r) => r.metric), textCol<Anomaly>('direction', 'Direction', (r) => r.direction), numCol<Anomaly>('value', 'Value', (r) => r.value, (v) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }))), numCol<Anomaly>('expected', 'Mean', (r) => r.expected, (v) => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }))), numCol<Anomaly>('zScore', 'z-score', (r) => r.zScore, (v) => (v === null ? '—' : v.toFixed(2)))]}
          takeaway={(d) => `${d.anomalies.length} unusual value${d.anomalies.length === 1 ? '' : 's'} in ${d.days} days.`}
        />
      </div>
    </div>
  );
}
