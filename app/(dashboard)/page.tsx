import { ExecutiveView } from '@/components/executive/executive-view';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';

export default function ExecutivePage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/"
      title="Executive overview"
      question="How is the store doing, and what changed?"
      prefetch={(api, filters, qc, view) => [
        // Comparing: the previous period's series too (its range comes from the KPIs), so the
        // client has no second round of requests.
        qc.fetchQuery(api.executive.kpis.queryOptions(filters)).then(async (kpis) => {
          const previous = view.compare ? kpis.previousRange : null;
          if (!previous) return;
          await Promise.all([
            qc.prefetchQuery(api.executive.daily.queryOptions({ ...filters, ...previous })),
            qc.prefetchQuery(api.executive.breakdown.queryOptions({ ...filters, ...previous, limit: 10 })),
          ]);
        }, () => undefined),
        qc.prefetchQuery(api.executive.daily.queryOptions(filters)),
        qc.prefetchQuery(api.executive.breakdown.queryOptions({ ...filters, limit: 10 })),
        qc.prefetchQuery(api.executive.insights.queryOptions(filters)),
      ]}
    >
      <ExecutiveView />
    </DashboardPage>
  );
}
