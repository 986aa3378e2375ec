import type { Metadata } from 'next';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';
import { TechnicalView } from '@/components/technical/technical-view';

export const metadata: Metadata = { title: 'Technical' };

export default function TechnicalPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/technical"
      title="Technical"
      question="Is the pipeline healthy, is the data clean, and how fast is the API?"
      prefetch={(api, f, qc) => [
        qc.prefetchQuery(api.technical.runs.queryOptions({ limit: 20, asOf: f.asOf })),
        qc.prefetchQuery(api.technical.quality.queryOptions(f.asOf !== undefined ? { asOf: f.asOf } : undefined)),
        qc.prefetchQuery(api.technical.tables.queryOptions({ historyLimit: 10 })),
        qc.prefetchQuery(api.technical.apiLatency.queryOptions()),
      ]}
    >
      <TechnicalView />
    </DashboardPage>
  );
}
