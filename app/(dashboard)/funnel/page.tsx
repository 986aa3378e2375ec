import type { Metadata } from 'next';
import { PageHeader } from '@/components/layout/page-header';

export const metadata: Metadata = { title: 'Funnel' };

export default function FunnelPage() {
  return <PageHeader title="Funnel" question="Where do sessions drop out between view, cart and purchase?" />;
}
