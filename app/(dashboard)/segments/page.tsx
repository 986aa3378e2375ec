import type { Metadata } from 'next';
import { PageHeader } from '@/components/layout/page-header';

export const metadata: Metadata = { title: 'Segments' };

export default function SegmentsPage() {
  return <PageHeader title="Segments" question="Who are the customers, and how do they come back?" />;
}
