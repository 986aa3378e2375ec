/** The KPI cards: which section 3 metrics, their units, direction and definitions. */
import type { Unit } from '@/components/ui/format';

export interface Kpis {
  views: number;
  carts: number;
  removals: number;
  purchases: number;
  revenue: number;
  users: number;
  buyers: number;
  sessions: number;
  orders: number;
  conversionRate: number | null;
  aov: number | null;
  cartAbandonmentRate: number | null;
  revenuePerUser: number | null;
}

export interface KpiData {
  current: Kpis;
  previous: Kpis | null;
  range: { from: string; to: string; days: number };
  previousRange: { from: string; to: string } | null;
}

export interface DailyPoint {
  date: string;
  revenue: number;
  orders: number;
  sessions: number;
  users: number;
  conversionRate: number | null;
}

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

