import type { Metadata } from 'next';
import { PageHeader } from '@/components/layout/page-header';

export const metadata: Metadata = { title: 'Temporal' };

export default function TemporalPage() {
  return <PageHeader title="Temporal" question="When do people browse and buy?" />;
}
