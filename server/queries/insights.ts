/** Insight sentences for the executive page, computed from the same numbers the page shows. */
import type { Breakdown, DailyPoint, KpisResult } from './executive';
import type { QueryScope } from './sql';

const money = (n: number) => `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const change = (now: number, before: number) => (before ? (now - before) / before : null);

export function insightSentences(scope: QueryScope, k: KpisResult, b: Breakdown, days: DailyPoint[]): string[] {
  const out: string[] = [];
  const { current, previous } = k;
  const where = scope.filters.categories.length || scope.filters.brands.length ? ' in the selected slice' : '';
  const revenueChange = previous ? change(current.revenue, previous.revenue) : null;
  out.push(
    revenueChange === null
      ? `Revenue${where} was ${money(current.revenue)} from ${k.range.from} to ${k.range.to}, from ${current.orders.toLocaleString('en-US')} orders.`
      : `Revenue${where} was ${money(current.revenue)}, ${revenueChange >= 0 ? 'up' : 'down'} ${pct(Math.abs(revenueChange))} on the previous ${k.range.days} days (${money(previous!.revenue)}).`,
  );
  if (current.conversionRate !== null) {
    const before = previous?.conversionRate ?? null;
    const delta = before === null ? '' : ` (${current.conversionRate >= before ? '+' : '−'}${(Math.abs(current.conversionRate - before) * 100).toFixed(2)} points vs the previous period)`;
    out.push(`${pct(current.conversionRate)} of ${current.sessions.toLocaleString('en-US')} sessions ended in a purchase${delta}.`);
  }
  const topCategory = b.byCategory[0];
  if (topCategory && topCategory.revenue > 0 && topCategory.share !== null) {
    out.push(`${capitalise(topCategory.name)} brought the most revenue: ${money(topCategory.revenue)}, ${pct(topCategory.share)} of the total.`);
  }
  const topBrand = b.byBrand.find((r) => r.name !== '(other)' && r.name !== 'unknown');
  if (topBrand && topBrand.revenue > 0 && topBrand.share !== null) out.push(`The leading brand was ${topBrand.name} with ${pct(topBrand.share)} of revenue.`);
  const best = days.reduce<DailyPoint | undefined>((m, d) => (!m || d.revenue > m.revenue ? d : m), undefined);
  if (best && days.length > 1 && best.revenue > 0) out.push(`The best day was ${best.date} with ${money(best.revenue)} in revenue.`);
  if (current.cartAbandonmentRate !== null && out.length < 5) out.push(`${pct(current.cartAbandonmentRate)} of sessions that added to cart bought nothing.`);
  return out.slice(0, 5);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
