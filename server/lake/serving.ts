/**
 * How each gold table is served. Most gold tables are small next to the 2 GiB budget of the API
 * process once compressed, so each version is copied into its own compressed in-memory DuckDB
 * database (sorted so the filters of the queries skip row groups by their zone maps), once, when a
 * state first uses it: queries then never open Parquet files. gold.session_facts (tens of millions
 * of rows at full scale) stays a view over its Parquet files, sorted by date, category and brand, so a
 * category × brand filter reads few row groups; product_daily and user_summary are read through the
 * serving tables the pipeline derives from them (product_cumulative, user_segments) and stay views.
 * product_cumulative also gets a per-product layout in its database (product-ranges.ts, catalog.ts);
 * brand_daily and product_cumulative get small per-brand companion tables (companions.ts).
 */
import type { GoldTable } from './gold-tables';

export interface ServingSpec {
  /** `memory`: copied into memory in this order; `parquet`: a view over the snapshot's files. */
  mode: 'memory' | 'parquet';
  orderBy?: string;
}

/** Tables not listed are copied into memory in file order. */
export const SERVING: Partial<Record<GoldTable, ServingSpec>> = {
  session_facts: { mode: 'parquet' },
  product_daily: { mode: 'parquet' },
  user_summary: { mode: 'parquet' },
  category_daily: { mode: 'memory', orderBy: 'event_date, category_l1, brand' },
  hourly_activity: { mode: 'memory', orderBy: 'event_date, category_l1, brand' },
  time_to_purchase: { mode: 'memory', orderBy: 'event_date, category_l1, brand' },
  slice_daily: { mode: 'memory', orderBy: 'slice_level, category_l1, event_date' },
  brand_daily: { mode: 'memory', orderBy: 'event_date, brand' },
  user_carryover: { mode: 'memory', orderBy: 'slice_level, category_l1, brand, measure, event_date' },
  irregular_session_facts: { mode: 'memory', orderBy: 'category_l1, brand, event_date' },
  distinct_carryover: { mode: 'memory', orderBy: 'entity, event_date' },
  // One file per date: copied in file order, its rows stay clustered by date (the filter every query has).
  product_cumulative: { mode: 'memory' },
  pair_daily: { mode: 'memory', orderBy: 'category_l1, brand, event_date' },
};

export function servingSpec(table: GoldTable): ServingSpec {
  return SERVING[table] ?? { mode: 'memory' };
}
