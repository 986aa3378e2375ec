/**
 * The global filter state lives in the URL (shareable, back/forward, survives navigation). This
 * module is the single place that reads and writes it; it is pure so both server pages and client
 * components use it, and it never throws on bad input: it returns the problems to show instead.
 *
 * URL shape: `?from=2019-10-01&to=2019-10-07&category=electronics&brand=apple&brand=samsung&compare=1&asOf=12`
 */

/** The API's Filters object (DESIGN section 7). */
export interface Filters {
  from?: string;
  to?: string;
  categories?: string[];
  brands?: string[];
  asOf?: number;
}

export interface ViewState {
  filters: Filters;
  compare: boolean;
}

export type ParsedView = { ok: true; view: ViewState } | { ok: false; problems: string[] };

/** What `searchParams` looks like in a server page and what URLSearchParams gives on the client. */
export type RawParams = Record<string, string | string[] | undefined> | URLSearchParams;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_VALUES = 50; // the API accepts at most 50 values per list

export function isIsoDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function all(params: RawParams, key: string): string[] {
  if (params instanceof URLSearchParams) return params.getAll(key);
  const value = params[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function one(params: RawParams, key: string): string | undefined {
  const values = all(params, key);
  return values.length ? values[values.length - 1] : undefined;
}

function cleanList(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim().toLowerCase()).filter((v) => v.length > 0))].sort();
}

export function parseView(params: RawParams): ParsedView {
  const problems: string[] = [];
  const filters: Filters = {};
  const from = one(params, 'from');
  const to = one(params, 'to');
  if (from !== undefined) {
    if (isIsoDate(from)) filters.from = from;
    else problems.push(`"from" must be a date like 2019-10-01, got "${from.slice(0, 40)}".`);
  }
  if (to !== undefined) {
    if (isIsoDate(to)) filters.to = to;
    else problems.push(`"to" must be a date like 2019-10-31, got "${to.slice(0, 40)}".`);
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    problems.push(`"from" (${filters.from}) is after "to" (${filters.to}).`);
  }
  const categories = cleanList(all(params, 'category'));
  const brands = cleanList(all(params, 'brand'));
  if (categories.length > MAX_VALUES) problems.push(`at most ${MAX_VALUES} categories can be selected, got ${categories.length}.`);
  if (brands.length > MAX_VALUES) problems.push(`at most ${MAX_VALUES} brands can be selected, got ${brands.length}.`);
  if (categories.length) filters.categories = categories;
  if (brands.length) filters.brands = brands;
  const asOf = one(params, 'asOf');
  if (asOf !== undefined) {
    if (/^\d{1,9}$/.test(asOf)) filters.asOf = Number(asOf);
    else problems.push(`"asOf" must be a table version (a whole number ≥ 0), got "${asOf.slice(0, 40)}".`);
  }
  const compareRaw = one(params, 'compare');
  const compare = compareRaw === '1' || compareRaw === 'true';
  if (compareRaw !== undefined && !['0', '1', 'true', 'false'].includes(compareRaw)) {
    problems.push(`"compare" must be 1 or 0, got "${compareRaw.slice(0, 40)}".`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, view: { filters, compare } };
}

/** Serialises a view in a stable order, so equal views give equal URLs. */
export function serializeView({ filters, compare }: ViewState): string {
  const params = new URLSearchParams();
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  for (const c of filters.categories ?? []) params.append('category', c);
  for (const b of filters.brands ?? []) params.append('brand', b);
  if (compare) params.set('compare', '1');
  if (filters.asOf !== undefined) params.set('asOf', String(filters.asOf));
  return params.toString();
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The previous period: the same number of days immediately before `from` (DESIGN section 3). */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const n = daysBetween(from, to);
  return { from: addDays(from, -n), to: addDays(from, -1) };
}

export function toggleValue(list: string[] | undefined, value: string): string[] {
  const set = new Set(list ?? []);
  if (set.has(value)) set.delete(value);
  else set.add(value);
  return [...set].sort();
}

/** The input of meta procedures, which only take `asOf` (identical on server and client for hydration). */
export function metaInput(filters: Filters): { asOf: number } | undefined {
  return filters.asOf !== undefined ? { asOf: filters.asOf } : undefined;
}
