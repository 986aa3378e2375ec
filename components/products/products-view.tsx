'use client';

import { barOption, treemapOption, type TreeNode } from '@/components/charts/breakdown';
import { Chart, type ChartClick } from '@/components/charts/chart';
import { useCrossFilter } from '@/components/filters/use-cross-filter';
import { useView } from '@/components/filters/use-view';
import { useTRPC } from '@/components/trpc/client';
import type { Outputs } from '@/components/trpc/types';
import { usePageQuery } from '@/components/trpc/use-page-query';
import { Card } from '@/components/ui/card';
import { numCol, textCol } from '@/components/ui/csv';
import { emptyBecause } from '@/components/ui/empty';
import { fmtInt, fmtPct, fmtUsd } from '@/components/ui/format';

type Product = Outputs['products']['top']['rows'][number];
type Brand = Outputs['products']['brands']['rows'][number];
type Band = Outputs['products']['priceBands'][number];
type Node = Outputs['products']['categoryTree'][number];

interface TreeRow {
  path: string;
  l1: string;
  revenue: number;
  purchases: number;
  views: number;
}

function flatten(nodes: Node[], prefix: string[] = []): TreeRow[] {
  return nodes.flatMap((n) => {
    const path = [...prefix, n.name];
    return n.children?.length ? flatten(n.children as Node[], path) : [{ path: path.join(' › '), l1: path[0], revenue: n.revenue, purchases: n.purchases, views: n.views }];
  });
}

function toTree(nodes: Node[]): TreeNode[] {
  return nodes.filter((n) => n.revenue > 0).map((n) => ({ name: n.name, value: n.revenue, children: n.children?.length ? toTree(n.children as Node[]) : undefined }));
}

export function ProductsView() {
  const trpc = useTRPC();
  const { filters } = useView();
  const top = usePageQuery(trpc.products.top.queryOptions({ ...filters, sort: 'revenue', order: 'desc', page: 1, pageSize: 100 }));
  const tree = usePageQuery(trpc.products.categoryTree.queryOptions(filters));
  const brands = usePageQuery(trpc.products.brands.queryOptions({ ...filters, limit: 25 }));
  const bands = usePageQuery(trpc.products.priceBands.queryOptions(filters));
  const onBrand = useCrossFilter('brands');
  const addCategory = useCrossFilter('categories');
  const onTreemap = (e: ChartClick) => {
    const path = (e as ChartClick & { treePathInfo?: { name: string }[] }).treePathInfo;
    const l1 = path?.[1]?.name;
    if (l1) addCategory({ name: l1 });
  };

  return (
    <div className="space-y-6">
      <Card
        title="Revenue by category: l1 → l2 → l3"
        subtitle="Area = revenue (USD). Click a block to zoom in and filter by its top-level category"
        query={tree}
        testId="chart-category-treemap"
        height={380}
        emptyMessage={emptyBecause(filters, 'revenue')}
        rows={(d) => flatten(d).filter((r) => r.revenue > 0)}
        columns={[textCol<TreeRow>('path', 'Category path', (r) => r.path), numCol<TreeRow>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd), numCol<TreeRow>('purchases', 'Purchases', (r) => r.purchases, fmtInt), numCol<TreeRow>('views', 'Views', (r) => r.views, fmtInt)]}
        takeaway={(d) => {
          const total = d.reduce((s, n) => s + n.revenue, 0);
          const best = [...d].sort((a, b) => b.revenue - a.revenue)[0];
          return best && total ? `${best.name} is ${fmtPct(best.revenue / total, 0)} of revenue.` : null;
        }}
      >
        {(d) => <Chart height={380} span="full" label="Treemap of revenue by category levels" onClick={onTreemap} build={(theme) => treemapOption(toTree(d), 'usd', theme)} />}
      </Card>

      <Card
        title="Top products by revenue"
        subtitle="The 100 best-selling products in the range; sort any column, 10 per page"
        query={top}
        testId="table-top-products"
        emptyMessage={emptyBecause(filters, 'product views')}
        rows={(d) => d.rows}
        columns={[
          numCol<Product>('productId', 'Product', (r) => r.productId, (v) => String(v ?? '—')),
          textCol<Product>('category', 'Category', (r) => [r.categoryL1, r.categoryL2, r.categoryL3].filter(Boolean).join(' › ')),
          textCol<Product>('brand', 'Brand', (r) => r.brand),
          numCol<Product>('views', 'Views', (r) => r.views, fmtInt),
          numCol<Product>('purchases', 'Purchases', (r) => r.purchases, fmtInt),
          numCol<Product>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd),
          numCol<Product>('conversionRate', 'Purchases per view', (r) => r.conversionRate, fmtPct),
          numCol<Product>('avgPrice', 'Avg price (USD)', (r) => r.avgPrice, fmtUsd),
        ]}
        takeaway={(d) => (d.rows[0] ? `#1 is product ${d.rows[0].productId} (${d.rows[0].brand}) with ${fmtUsd(d.rows[0].revenue)} from ${fmtInt(d.rows[0].purchases)} purchases; ${fmtInt(d.total)} products were viewed in this slice.` : null)}
      />

      <div className="grid gap-6 lg:grid-cols-2">
        <Card
          title="Brand performance"
          subtitle="Revenue (USD), top 25 brands; click a bar to filter by the brand"
          query={brands}
          testId="chart-brands"
          height={520}
          emptyMessage={emptyBecause(filters, 'brand revenue')}
          rows={(d) => d.rows.filter((r) => r.revenue > 0)}
          columns={[
            textCol<Brand>('brand', 'Brand', (r) => r.brand),
            numCol<Brand>('products', 'Products', (r) => r.products, fmtInt),
            numCol<Brand>('views', 'Views', (r) => r.views, fmtInt),
            numCol<Brand>('purchases', 'Purchases', (r) => r.purchases, fmtInt),
            numCol<Brand>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd),
            numCol<Brand>('revenueShare', 'Share', (r) => r.revenueShare, fmtPct),
            numCol<Brand>('conversionRate', 'Purchases per view', (r) => r.conversionRate, fmtPct),
          ]}
          takeaway={(_, shown) => {
            const top3 = shown.rows.slice(0, 3);
            const share = top3.reduce((s, r) => s + (r.revenueShare ?? 0), 0);
            return top3.length ? `The top ${top3.length} brands bring ${fmtPct(share, 0)} of revenue.` : null;
          }}
        >
          {(_, shown) => <Chart height={520} label="Revenue by brand" onClick={onBrand} build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.brand, value: r.revenue, note: `${fmtPct(r.revenueShare)} of revenue · ${fmtInt(r.purchases)} purchases` })), unit: 'usd', seriesName: 'Revenue', horizontal: true, selected: filters.brands }, theme)} />}
        </Card>
        <Card
          title="Price bands"
          subtitle="Revenue (USD) by product price band; tooltip adds views and purchases per view"
          query={bands}
          testId="chart-price-bands"
          height={520}
          emptyMessage={emptyBecause(filters, 'product views')}
          rows={(d) => d}
          columns={[
            textCol<Band>('band', 'Price band (USD)', (r) => r.band),
            numCol<Band>('views', 'Views', (r) => r.views, fmtInt),
            numCol<Band>('carts', 'Carts', (r) => r.carts, fmtInt),
            numCol<Band>('purchases', 'Purchases', (r) => r.purchases, fmtInt),
            numCol<Band>('revenue', 'Revenue (USD)', (r) => r.revenue, fmtUsd),
            numCol<Band>('conversionRate', 'Purchases per view', (r) => r.conversionRate, fmtPct),
          ]}
          takeaway={(d) => {
            const best = d.reduce((a, b) => (b.revenue > a.revenue ? b : a));
            return `Products priced ${best.band} bring the most revenue (${fmtUsd(best.revenue)}).`;
          }}
        >
          {(_, shown) => <Chart height={520} label="Revenue by price band" build={(theme) => barOption({ rows: shown.rows.map((r) => ({ name: r.band, value: r.revenue, note: `${fmtInt(r.views)} views · ${fmtPct(r.conversionRate)} purchases per view` })), unit: 'usd', seriesName: 'Revenue' }, theme)} />}
        </Card>
      </div>
    </div>
  );
}
