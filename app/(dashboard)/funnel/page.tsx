import type { Metadata } from 'next';
import { FunnelView } from '@/components/funnel/funnel-view';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';

export const metadata: Metadata = { title: 'Funnel' };

export default function FunnelPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/funnel"
      title="Funnel"
      question="Where do sessions drop out between view, cart and purchase?"
      prefetch={(api, f, qc) => [
        qc.prefetchQuery(api.funnel.steps.queryOptions(f)),
        qc.prefetchQuery(api.funnel.byDimension.queryOptions({ ...f, dimension: 'category', limit: 15 })),
        qc.prefetchQuery(api.funnel.byDimension.queryOptions({ ...f, dimension: 'brand', limit: 15 })),
        qc.prefetchQuery(api.funnel.trend.queryOptions(f)),
        qc.prefetchQuery(api.funnel.abandonment.queryOptions({ ...f, limit: 10 })),
        qc.prefetchQuery(api.funnel.timeToPurchase.queryOptions(f)),
      ]}
    >
      <FunnelView />
    </DashboardPage>
  );
}
