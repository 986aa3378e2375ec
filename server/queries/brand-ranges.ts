/**
 * Per-brand totals over a date range from the brand companions (lake/companions.ts): the difference of
 * two rows of running totals per brand, and the products active in the range by their latest active
 * date. ~3.4 k rows per date at full scale instead of every day's rows grouped per request. Each
 * function returns null when the state lacks its companion; callers then group the source tables.
 */
import type { Params } from '../lake/database';
import { BRAND_RUNNING_MEASURES } from '../lake/companions';
import { bindList, companion, rangeBounds, type QueryScope, type ResolvedFilters } from './sql';

type Range = Pick<ResolvedFilters, 'from' | 'to'>;

/**
 * One row per brand with sessions in the range (restricted to `brands` when given): `brand` and the
 * brand_daily measures summed over the range's days (BRAND_RUNNING_MEASURES; money stays DECIMAL).
 */
export function brandRangeSql(scope: Pick<QueryScope, 'state'>, range: Range, params: Params, brands: readonly string[] = []): string | null {
  const running = companion(scope, 'brand_running');
  const dates = scope.state.dates.brand_daily;
  if (!running || !dates) return null;
  const { upTo, before } = rangeBounds(dates, range.from, range.to);
  if (!upTo) return `SELECT brand, ${BRAND_RUNNING_MEASURES.join(', ')} FROM ${running} WHERE false`;
  params.brand_up_to = upTo;
  const only = brands.length ? `AND brand IN (${bindList(params, 'rb', brands)})` : '';
  const at = (param: string) => `SELECT * FROM ${running} WHERE event_date = CAST($${param} AS DATE) ${only}`;
  if (before) params.brand_before = before;
  // The grid is dense (every brand at every date), so the row before the range always exists.
  const value = (m: string) => (before ? `u.${m} - b.${m}` : `u.${m}`);
  return `
SELECT u.brand, ${BRAND_RUNNING_MEASURES.map((m) => `${value(m)} AS ${m}`).join(', ')}
FROM (${at('brand_up_to')}) u${before ? ` JOIN (${at('brand_before')}) b USING (brand)` : ''}
WHERE ${value('sessions')} > 0`;
}

/** One row per brand with products active in the range (among `brands` when given): `brand`, `products`. */
export function brandProductsSql(scope: Pick<QueryScope, 'state'>, range: Range, params: Params, brands: readonly string[] = []): string | null {
  const activity = companion(scope, 'brand_activity');
  const dates = scope.state.dates.product_cumulative;
  if (!activity || !dates) return null;
  const { upTo } = rangeBounds(dates, range.from, range.to);
  if (!upTo) return `SELECT brand, CAST(0 AS BIGINT) AS products FROM ${activity} WHERE false`;
  params.activity_up_to = upTo;
  params.activity_from = range.from;
  const only = brands.length ? `AND brand IN (${bindList(params, 'ab', brands)})` : '';
  return `
SELECT brand, CAST(sum(products) AS BIGINT) AS products FROM ${activity}
WHERE event_date = CAST($activity_up_to AS DATE) AND last_active_date >= CAST($activity_from AS DATE) ${only}
GROUP BY brand`;
}
