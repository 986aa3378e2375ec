/**
 * The gold tables the API reads, and the anchor that names a "gold version".
 *
 * asOf: a gold version is a version of the anchor table (`daily_kpis`, the first table every
 * pipeline run commits). It names the gold state left by the run that committed it: every gold table
 * is resolved at its newest commit made before the anchor's first commit of a later run (commit
 * times from commitInfo.timestamp). Several anchor versions of one run (a full rebuild commits per
 * chunk of dates) therefore name the same state.
 */
import path from 'node:path';

/**
 * Tables a lake written by an older pipeline may lack: their version is null and no view exists, and
 * queries that could use them take another path (see queries/date-range.ts, queries/slices.ts).
 */
const OPTIONAL = [
  'distinct_carryover',
  'multi_day_sessions',
  'slice_daily',
  'brand_daily',
  'pair_daily',
  'irregular_session_facts',
  'user_carryover',
  'product_cumulative',
  'user_segments',
] as const;

export const GOLD_TABLES = [
  'daily_kpis',
  'session_facts',
  'product_daily',
  'category_daily',
  'hourly_activity',
  'time_to_purchase',
  'user_summary',
  'cohort_retention',
  'session_distribution',
  ...OPTIONAL,
  'pipeline_runs',
  'data_quality',
] as const;

export type GoldTable = (typeof GOLD_TABLES)[number];

export const OPTIONAL_TABLES: ReadonlySet<GoldTable> = new Set<GoldTable>(OPTIONAL);

export const ANCHOR_TABLE: GoldTable = 'daily_kpis';

export function goldTableDir(lakeDir: string, table: GoldTable): string {
  return path.join(lakeDir, 'gold', table);
}

/** DuckDB view name for one version of a table; table names come from GOLD_TABLES only. */
export function viewName(table: GoldTable, version: number | null): string {
  return version === null ? `gold_${table}_empty` : `gold_${table}_v${version}`;
}
