/**
 * A gold model: one table, its grain, its columns and the SQL that builds it (dbt-style: imports first,
 * then named steps, ending in `select * from final`). Daily models are partitioned by event_date and
 * rebuilt only for the dates a run touched; period models are folded forward by `merge` from the rows
 * of the users and sessions a run touched (period-stage.ts), or rebuilt whole. Serving models derived
 * from other gold tables are in models/derived.ts.
 *
 * Every model reads the temp relations prepared by the gold stage (relations.ts):
 *   g_events             — silver events of the dates being rebuilt, with session_key/user_key pseudonyms
 *                          and brand_label ('unknown' for NULL brand) (daily models);
 *   g_session_rows       — g_events grouped per (event_date, category_l1, brand, session_key, user_key):
 *                          event counts, revenue, cart value (the grain of gold.session_facts; daily models);
 *   g_session_starts     — session_key and session_start_at of the sessions of those dates (daily models);
 *   g_sessions           — silver.sessions with keys, the columns relations.ts SESSION_COLUMNS lists (period models);
 *   g_facts              — gold.session_facts as just written (period models);
 *   g_irregular_sessions — session_key of every session spanning several dates or user ids (period models);
 *   g_period             — last_date: the date of the last session end in silver (period models).
 * An incremental run evaluates a period model twice over the touched entities' rows only — as they
 * were and as they are — so a model must be a sum over entities (users or sessions) whose share
 * depends on the entity's own rows; g_irregular_sessions and g_period stay whole in both.
 */
export interface GoldModel {
  /** Table name under gold/, e.g. `daily_kpis` → `gold.daily_kpis`. */
  name: string;
  grain: string;
  description: string;
  kind: 'daily' | 'period';
  sql: string;
  /** Period models: how the touched entities' old and new rows fold into the stored table. */
  merge?: PeriodMerge;
}

/** Relations a merge reads: the stored table, the model over the touched entities' old and new rows. */
export interface MergeInputs {
  stored: string;
  old: string;
  new: string;
}

/**
 * - sums: every column but `sums` (and `derived`) is a key; the sums add up over entities, so the
 *   table becomes stored − old + new per key, without keys whose sums all became zero; `derived`
 *   columns are recomputed from the merged rows (a relation named by the argument).
 * - additive: like sums, but keys need not be unique: the table's rows add up per key, and every
 *   reader sums them. A merge appends the change (new − old per key) instead of rewriting the table;
 *   once the table holds many appended files, a merge rewrites it with one row per key (compaction).
 * - rows: each entity contributes whole rows, so the table is the multiset stored − old + new.
 * - custom: `staged` (SQL over the merge inputs) is kept in a temp table that `inconsistent` and
 *   `result` read; `inconsistent` counts signs that stored was not what the recorded base says (then
 *   the table is rebuilt whole).
 */
export type PeriodMerge =
  | { kind: 'sums'; sums: string[]; derived?: { columns: string[]; sql: (merged: string) => string }; orderBy: string }
  | { kind: 'additive'; sums: string[]; orderBy: string }
  | { kind: 'rows'; orderBy: string }
  | { kind: 'custom'; staged: (inputs: MergeInputs) => string; inconsistent: (inputs: MergeInputs, staged: string) => string; result: (staged: string) => string };

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
