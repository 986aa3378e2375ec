import type { Metadata } from 'next';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';
import { SegmentsView } from '@/components/segments/segments-view';

export const metadata: Metadata = { title: 'Segments' };

export default function SegmentsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/segments"
      title="Segments"
      question="Who are the customers, and do they come back?"
      prefetch={(api, f, qc) => [
        qc.prefetchQuery(api.segments.rfm.queryOptions(f)),
        qc.prefetchQuery(api.segments.newVsReturning.queryOptions(f)),
        qc.prefetchQuery(api.segments.sessionsPerUser.queryOptions(f)),
        qc.prefetchQuery(api.segments.sessionLength.queryOptions(f)),
        qc.prefetchQuery(api.segments.cohorts.queryOptions(f)),
        qc.prefetchQuery(api.segments.behaviour.queryOptions(f)),
      ]}
    >
      <SegmentsView />
    </DashboardPage>
  );
}
