import type { Metadata } from 'next';
import { DashboardPage, type SearchParams } from '@/components/layout/dashboard-page';
import { ProductsView } from '@/components/products/products-view';

export const metadata: Metadata = { title: 'Products' };

export default function ProductsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage
      searchParams={searchParams}
      path="/products"
      title="Products"
      question="Which products, categories, brands and price points earn the money?"
      prefetch={(api, f, qc) => [
        qc.prefetchQuery(api.products.top.queryOptions({ ...f, sort: 'revenue', order: 'desc', page: 1, pageSize: 100 })),
        qc.prefetchQuery(api.products.categoryTree.queryOptions(f)),
        qc.prefetchQuery(api.products.brands.queryOptions({ ...f, limit: 25 })),
        qc.prefetchQuery(api.products.priceBands.queryOptions(f)),
      ]}
    >
      <ProductsView />
    </DashboardPage>
  );
}
