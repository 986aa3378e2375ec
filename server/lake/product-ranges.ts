/**
 * The products page's range totals without a join. gold.product_cumulative holds running totals per
 * product and date, so a range's totals are the row at its last date minus the row before its first:
 * two slices of ~170 k products joined on the product, 15–45 ms per request at full scale. This
 * relation lays the same numbers out one row per product and one column per (date, measure), so a
 * range reads two columns per measure in a single scan (~6 ms) and its top-N needs no join.
 *
 * Built in memory next to the cumulative table's copy (same database, dropped with it), in the
 * background after a latest state is published (catalog.ts), for lakes whose product × date count
 * stays under a cap: the layout costs memory in proportion to both (~100 MB compressed for 312 k
 * products × 33 dates). Until it is built, for past versions and for bigger lakes, queries join the
 * two slices as before.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** A cumulative row's events of every type (activity). */
export const EVENTS_SQL = '(views + carts + removals + purchases)';

/** The measures of a products.top row and of the abandoned-products list. */
export const RANGE_MEASURES = {
  views: 'views',
  carts: 'carts',
  purchases: 'purchases',
  events: EVENTS_SQL,
  revenue_cents: 'revenue_cents',
  price_weight_cents: 'price_weight_cents',
  abandoned_carts: 'abandoned_carts',
  abandoned_cents: 'abandoned_cents',
} as const;

export type RangeMeasure = keyof typeof RANGE_MEASURES;

/** Cells (products × dates) up to which the layout is built: the full-month benchmark lake has 10 M. */
export const MAX_RANGE_CELLS = 16_000_000;

/** Column of a measure at the date with this index in the table's ascending partition dates. */
export function rangeColumn(dateIndex: number, measure: RangeMeasure): string {
  return `d${dateIndex}_${measure}`;
}

/**
 * Cells per insert: a batch is built uncompressed (with a hash table per date), then checkpointed.
 * With 2 M, building pushed 134 MB of the serving copies out to DuckDB's temp files at full scale;
 * with 1 M, 27 MB, for 30 s instead of 22 s of background work.
 */
const BATCH_CELLS = 1_000_000;

/**
 * Lays out the cumulative rows of the in-memory database `database` (its table `rows`: is_product rows,
 * one per product and date from the product's first date on) for `dates`, ascending, as its table
 * `ranges`, and returns that table's name. A product has 0 on dates before its first. Products are
 * inserted in batches, each compressed (CHECKPOINT) before the next: the whole layout at once (10 M
 * cells at full scale, plus a hash table per date) does not fit the API's memory limit uncompressed.
 * Returns null, creating nothing, when the layout would exceed MAX_RANGE_CELLS.
 */
export async function buildProductRanges(conn: DuckDBConnection, database: string, dates: readonly string[]): Promise<string | null> {
  const source = `${database}.main.rows`;
  const target = `${database}.main.ranges`;
  const reader = await conn.runAndReadAll(
    `SELECT count(DISTINCT product_id) AS products, ${Object.entries(RANGE_MEASURES).map(([m, e]) => `max(${e}) AS ${m}`).join(', ')} FROM ${source} WHERE is_product`,
  );
  const [row] = reader.getRowObjectsJS() as Array<Record<string, bigint | number | null>>;
  const products = Number(row.products ?? 0);
  if (products === 0 || dates.length === 0 || products * dates.length > MAX_RANGE_CELLS) return null;
  for (const date of dates) if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`product ranges: '${date}' is not a partition date`);
  // Running totals only grow, so the largest value of each measure decides its width.
  const type = (m: RangeMeasure) => (Number(row[m] ?? 0) < 2 ** 31 ? 'INTEGER' : 'BIGINT');
  const measures = Object.keys(RANGE_MEASURES) as RangeMeasure[];
  const columns = dates.flatMap((_, i) => measures.map((m) => `CAST(coalesce(s${i}.${m}, 0) AS ${type(m)}) AS ${rangeColumn(i, m)}`));
  const values = Object.entries(RANGE_MEASURES).map(([m, e]) => `${e} AS ${m}`).join(', ');
  const batches = Math.max(1, Math.ceil((products * dates.length) / BATCH_CELLS));
  const batchSql = (k: number) => {
    const inBatch = `is_product AND hash(product_id) % ${batches} = ${k}`;
    const slices = dates.map((date, i) => `LEFT JOIN (SELECT product_id, ${values} FROM ${source} WHERE ${inBatch} AND event_date = DATE '${date}') s${i} USING (product_id)`);
    return `SELECT p.product_id, ${columns.join(', ')} FROM (SELECT DISTINCT product_id FROM ${source} WHERE ${inBatch}) p\n${slices.join('\n')}`;
  };
  for (let k = 0; k < batches; k++) {
    await conn.run(k === 0 ? `CREATE TABLE ${target} AS ${batchSql(k)}` : `INSERT INTO ${target} ${batchSql(k)}`);
    await conn.run(`CHECKPOINT ${database}`);
  }
  return target;
}
