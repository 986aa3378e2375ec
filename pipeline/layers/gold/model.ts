/**
 * A gold model: one table, its grain, its columns and the SQL that builds it (dbt-style: imports first,
 * then named steps, ending in `select * from final`). Daily models are partitioned by event_date and
 * rebuilt only for the dates a run touched; period models are rebuilt whole. Serving models derived
 * from other gold tables are in models/derived.ts.
 *
 * Every model reads the temp relations prepared by the gold stage:
 *   g_events   — silver events of the dates being rebuilt, with session_key/user_key pseudonyms and
 *                brand_label ('unknown' for NULL brand);
 *   g_session_rows — g_events grouped per (event_date, category_l1, brand, session_key, user_key): event
 *                counts, revenue and cart value (the grain of gold.session_facts);
 *   g_sessions — silver.sessions with keys (period models only);
 *   g_facts    — gold.session_facts as just written (period models only).
 */
export interface GoldModel {
  /** Table name under gold/, e.g. `daily_kpis` → `gold.daily_kpis`. */
  name: string;
  grain: string;
  description: string;
  kind: 'daily' | 'period';
  sql: string;
}

export function defineModel(model: GoldModel): GoldModel {
  return model;
}

/** Price bands shared by the products page and the price-band model (upper bounds exclusive). */
export const PRICE_BANDS = [
  { label: '0–25', upper: 25 },
  { label: '25–50', upper: 50 },
  { label: '50–100', upper: 100 },
  { label: '100–250', upper: 250 },
  { label: '250–500', upper: 500 },
  { label: '500–1000', upper: 1000 },
  { label: '1000+', upper: Infinity },
] as const;

export function priceBandSql(column: string): string {
  const cases = PRICE_BANDS.filter((b) => Number.isFinite(b.upper)).map((b) => `WHEN ${column} < ${b.upper} THEN '${b.label}'`);
  return `CASE ${cases.join(' ')} ELSE '${PRICE_BANDS[PRICE_BANDS.length - 1].label}' END`;
}
