import type { Metadata } from 'next';
import { PageHeader } from '@/components/layout/page-header';

export const metadata: Metadata = { title: 'Products' };

export default function ProductsPage() {
  return <PageHeader title="Products" question="Which products, categories, brands and price bands drive revenue?" />;
}
