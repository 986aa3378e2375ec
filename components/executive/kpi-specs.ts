/** The KPI cards: which section 3 metrics, their units, direction and definitions. */
import type { Outputs } from '@/components/trpc/types';
import type { Unit } from '@/components/ui/format';

/** Shapes come from the API's router types: one definition of section 3 for server and client. */
export type KpiData = Outputs['executive']['kpis'];
export type Kpis = KpiData['current'];
export type DailyPoint = Outputs['executive']['daily'][number];

export interface KpiSpec {
  key: keyof Kpis;
  label: string;
  unit: Unit;
  /** true when a rise is good news. */
  higherIsBetter: boolean;
  definition: string;
  spark?: (d: DailyPoint) => number | null;
}

export const KPI_SPECS: KpiSpec[] = [
  { key: 'revenue', label: 'Revenue', unit: 'usd', higherIsBetter: true, definition: 'Sum of purchase prices.', spark: (d) => d.revenue },
  { key: 'orders', label: 'Orders', unit: 'count', higherIsBetter: true, definition: 'Sessions with at least one purchase.', spark: (d) => d.orders },
  { key: 'conversionRate', label: 'Conversion rate', unit: 'rate', higherIsBetter: true, definition: 'Orders ÷ sessions.', spark: (d) => d.conversionRate },
  { key: 'aov', label: 'Average order value', unit: 'usd', higherIsBetter: true, definition: 'Revenue ÷ orders.', spark: (d) => (d.orders ? d.revenue / d.orders : null) },
  { key: 'sessions', label: 'Sessions', unit: 'count', higherIsBetter: true, definition: 'Distinct sessions.', spark: (d) => d.sessions },
  { key: 'users', label: 'Users', unit: 'count', higherIsBetter: true, definition: 'Distinct users over the whole range.', spark: (d) => d.users },
  { key: 'cartAbandonmentRate', label: 'Cart abandonment', unit: 'rate', higherIsBetter: false, definition: 'Sessions with a cart and no purchase ÷ sessions with a cart.' },
  { key: 'revenuePerUser', label: 'Revenue per user', unit: 'usd', higherIsBetter: true, definition: 'Revenue ÷ users.', spark: (d) => (d.users ? d.revenue / d.users : null) },
  { key: 'buyers', label: 'Buyers', unit: 'count', higherIsBetter: true, definition: 'Distinct users with at least one purchase.' },
  { key: 'views', label: 'Product views', unit: 'count', higherIsBetter: true, definition: 'View events.' },
  { key: 'carts', label: 'Add-to-carts', unit: 'count', higherIsBetter: true, definition: 'Cart events.' },
  { key: 'purchases', label: 'Purchases', unit: 'count', higherIsBetter: true, definition: 'Purchase events (items bought).' },
];

