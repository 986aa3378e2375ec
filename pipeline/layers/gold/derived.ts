/**
 * Builds the serving models of models/derived.ts after the daily and period models: each compares
 * the version of its source it last reflected (its lineage `txn`, lineage.ts) with the source's
 * current version and rewrites only what changed, recording the new source version in the same commit.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { withoutInsertionOrder } from '../../db';
import { overwrite, replacePartitions, type WriteResult } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import type { Snapshot } from '../../delta/snapshot';
import { timed } from '../../profile';
import { eventDates, fileChanges, latestSnapshot, lineageTxns, recordedVersions, snapshotAt, type DerivedInput } from './lineage';
import { PRODUCT_MEASURES, productCumulative, productCumulativeNextDateSql, productCumulativeSql, userSegments, userSegmentsSql } from './models/derived';

interface Derived {
  name: string;
  written: WriteResult;
}

/** The gold source of a derived table as a lineage input. */
const input = (source: 'product_daily' | 'user_summary'): DerivedInput => `gold.${source}`;

/** The source version a derived table records, or undefined. */
function recorded(target: Snapshot | undefined, source: 'product_daily' | 'user_summary'): number | undefined {
  return target && recordedVersions(target, [input(source)])?.[input(source)];
}

export async function buildDerived(conn: DuckDBConnection, dirOf: (name: string) => string, runId: string, full: boolean): Promise<Derived[]> {
  const out: Derived[] = [];
  const cumulative = await timed('gold: product_cumulative', () => updateProductCumulative(conn, dirOf, runId, full));
  if (cumulative) out.push({ name: productCumulative.name, written: cumulative });
  const segments = await timed('gold: user_segments', () => updateUserSegments(conn, dirOf, runId));
  if (segments) out.push({ name: userSegments.name, written: segments });
  return out;
}

async function updateProductCumulative(conn: DuckDBConnection, dirOf: (name: string) => string, runId: string, full: boolean): Promise<WriteResult | undefined> {
  const dir = dirOf(productCumulative.name);
  const source = await latestSnapshot(dirOf(productCumulative.source));
  if (!source) return undefined;
  const target = full ? undefined : await latestSnapshot(dir);
  const version = recorded(target, productCumulative.source);
  if (version === source.version) return undefined;
  // A version no longer readable (log cleaned up) leaves no base: rebuild whole.
  const base = version === undefined ? undefined : await snapshotAt(source.tableDir, version);
  const sourceDates = eventDates(source.files);
  const targetDates = target ? eventDates(target.files) : [];
  // Dates to recompute: those whose product_daily files changed, and any the table lacks.
  const changes = base && fileChanges(base, source);
  const changed = changes
    ? [...new Set([...eventDates([...changes.removed, ...changes.added]), ...sourceDates.filter((d) => !targetDates.includes(d))])].sort()
    : sourceDates;
  if (changed.length === 0) return undefined;
  const prevDate = targetDates.filter((d) => d < changed[0]).pop();
  // From the partition before the first changed date on; a whole rebuild when there is none.
  const from = base && prevDate !== undefined ? changed[0] : undefined;
  await conn.run(`CREATE OR REPLACE TEMP TABLE c_daily AS ${scanSql(source, { predicate: from === undefined ? undefined : { op: '>=', column: 'event_date', value: from } }).sql}`);
  await conn.run(
    from !== undefined
      ? `CREATE OR REPLACE TEMP TABLE c_prev AS
         SELECT product_key, product_id, category_l1, brand, category_l2, category_l3, last_active_date, ${PRODUCT_MEASURES.join(', ')}
         FROM (${scanSql(target!, { predicate: { op: '=', column: 'event_date', value: prevDate! } }).sql}) WHERE is_key`
      : `CREATE OR REPLACE TEMP TABLE c_prev (product_key INTEGER, product_id BIGINT, category_l1 VARCHAR, brand VARCHAR, category_l2 VARCHAR, category_l3 VARCHAR, last_active_date DATE,
           ${PRODUCT_MEASURES.map((m) => `${m} BIGINT`).join(', ')})`,
  );
  try {
    const options = { txns: lineageTxns({ [input(productCumulative.source)]: source.version }), operationParameters: { runId } };
    // Row order does not matter: the API sorts the table as it loads it.
    if (from === undefined) {
      return await withoutInsertionOrder(conn, () =>
        overwrite(conn, dir, productCumulativeSql(), { ...options, createIfMissing: true, overwriteSchema: true, partitionColumns: ['event_date'] }),
      );
    }
    const replaced = [...new Set([...sourceDates, ...targetDates].filter((d) => d >= from))];
    // One date, the last, on top of the one before it (a day's append): the cheaper form.
    const sql = replaced.length === 1 ? productCumulativeNextDateSql() : productCumulativeSql();
    return await withoutInsertionOrder(conn, () => replacePartitions(conn, dir, sql, { ...options, partitions: replaced.map((d) => ({ event_date: d })) }));
  } finally {
    await conn.run('DROP TABLE IF EXISTS c_daily; DROP TABLE IF EXISTS c_prev').catch(() => undefined);
  }
}

async function updateUserSegments(conn: DuckDBConnection, dirOf: (name: string) => string, runId: string): Promise<WriteResult | undefined> {
  const dir = dirOf(userSegments.name);
  const source = await latestSnapshot(dirOf(userSegments.source));
  if (!source) return undefined;
  if (recorded(await latestSnapshot(dir), userSegments.source) === source.version) return undefined;
  return overwrite(conn, dir, userSegmentsSql(`(${scanSql(source).sql})`), {
    txns: lineageTxns({ [input(userSegments.source)]: source.version }),
    createIfMissing: true,
    overwriteSchema: true,
    operationParameters: { runId },
  });
}
