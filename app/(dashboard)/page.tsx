import { ExecutiveView } from '@/components/executive/executive-view';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';

export default function ExecutivePage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/"
      title="Executive overview"
      question="How is the store doing, and what changed?"
      prefetch={(api, filters, qc) => [
        qc.prefetchQuery(api.executive.kpis.queryOptions(filters)),
        qc.prefetchQuery(api.executive.daily.queryOptions(filters)),
        qc.prefetchQuery(api.executive.breakdown.queryOptions({ ...filters, limit: 10 })),
        qc.prefetchQuery(api.executive.insights.queryOptions(filters)),
      ]}
    >
      <ExecutiveView />
    </DashboardPage>
  );
}
