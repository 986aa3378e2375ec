/**
 * Shared pieces of query text. Values are always bound (`$from`, `$c0`, …); the only identifiers
 * interpolated are view names from the catalog and column names from constant allow-lists.
 */
import type { Database, Params } from '../lake/database';
import type { GoldState } from '../lake/catalog';
import type { GoldTable } from '../lake/gold-tables';
import { COMPANIONS, type Companion } from '../lake/companions';

/** Filters after validation and defaults: a closed date range and (possibly empty) value lists. */
export interface ResolvedFilters {
  from: string;
  to: string;
  categories: string[];
  brands: string[];
}

export interface LakeMeta {
  minDate: string;
  maxDate: string;
  categories: Array<{ l1: string; l2: string[] }>;
  /** Every brand label, ranked by revenue then views (`unknown` included). */
  brands: Array<{ brand: string; revenue: number; views: number }>;
  categorySet: ReadonlySet<string>;
  brandSet: ReadonlySet<string>;
}

/** What a query function gets: the views of one gold state, the filters and the database. */
export interface QueryScope<I = unknown> {
  db: Database;
  state: GoldState;
  meta: LakeMeta;
  filters: ResolvedFilters;
  input: I;
}

export function view(scope: { state: GoldState }, table: GoldTable): string {
  return scope.state.views[table];
}

/** Whether tables exist in the state and cover every date of the anchor (lakes from older pipelines may lack some). */
export function usable(scope: { state: GoldState }, ...tables: GoldTable[]): boolean {
  return tables.every((t) => scope.state.versions[t] !== null && !scope.state.partial.has(t));
}

/** A serving table's view when usable, else null (the query takes its general path). */
export function servingView(scope: { state: GoldState }, table: GoldTable): string | null {
  return usable(scope, table) ? view(scope, table) : null;
}

/** A companion relation of the state (lake/companions.ts) when it was built and its source table is usable, else null. */
export function companion(scope: { state: GoldState }, name: Companion): string | null {
  return usable(scope, COMPANIONS[name]) ? (scope.state.companions[name] ?? null) : null;
}

/**
 * The partition dates that bound a range among a table's ascending dates: `upTo`, the last ≤ `to`
 * (absent when none is ≥ `from`: the range holds no date), and `before`, the last < `from` (absent:
 * nothing precedes the range). A running total over [from, to] is its value at `upTo` minus its
 * value at `before`.
 */
export function rangeBounds(dates: readonly string[], from: string, to: string): { upTo?: string; before?: string } {
  const last = (accept: (d: string) => boolean) => {
    for (let i = dates.length - 1; i >= 0; i--) if (accept(dates[i])) return dates[i];
    return undefined;
  };
  const upTo = last((d) => d <= to);
  if (!upTo || upTo < from) return {};
  return { upTo, before: last((d) => d < from) };
}

export interface FilterColumns {
  date?: string;
  category?: string;
  brand?: string;
}

/**
 * `WHERE` text for the filters over a table's columns, with values added to `params`. Dates compare
 * as DATE constants and lists as `IN (…)` of bound values, shapes DuckDB turns into zone-map pruning.
 */
export function whereFilters(filters: ResolvedFilters, params: Params, columns: FilterColumns = { date: 'event_date', category: 'category_l1', brand: 'brand' }): string {
  const clauses: string[] = [];
  if (columns.date) {
    params.from = filters.from;
    params.to = filters.to;
    clauses.push(`${columns.date} BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)`);
  }
  if (columns.category && filters.categories.length) clauses.push(`${columns.category} IN (${bindList(params, 'c', filters.categories)})`);
  if (columns.brand && filters.brands.length) clauses.push(`${columns.brand} IN (${bindList(params, 'b', filters.brands)})`);
  return clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
}

export function bindList(params: Params, prefix: string, values: readonly string[]): string {
  return values
    .map((value, i) => {
      params[`${prefix}${i}`] = value;
      return `$${prefix}${i}`;
    })
    .join(', ');
}

/** a / b rounded, or null for a zero denominator (DESIGN section 3). */
export function ratio(a: number, b: number, digits = 6): number | null {
  if (!b) return null;
  return round(a / b, digits);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function cents(value: number | null | undefined): number {
  return round(Number(value ?? 0), 2);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}
