import type { Metadata } from 'next';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';
import { TemporalView } from '@/components/temporal/temporal-view';

export const metadata: Metadata = { title: 'Temporal' };

export default function TemporalPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/temporal"
      title="Temporal patterns"
      question="When do people shop, and which days stand out?"
      prefetch={(api, f, qc) => [
        qc.prefetchQuery(api.temporal.heatmap.queryOptions({ ...f, metric: 'events' })),
        qc.prefetchQuery(api.temporal.daily.queryOptions(f)),
        qc.prefetchQuery(api.temporal.weekdayWeekend.queryOptions(f)),
        qc.prefetchQuery(api.temporal.anomalies.queryOptions({ ...f, threshold: 2 })),
      ]}
    >
      <TemporalView />
    </DashboardPage>
  );
}
