import type { Metadata } from 'next';
import { PageHeader } from '@/components/layout/page-header';

export const metadata: Metadata = { title: 'Technical' };

export default function TechnicalPage() {
  return <PageHeader title="Technical" question="Is the data fresh, complete and trustworthy?" />;
}
