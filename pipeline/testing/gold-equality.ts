/**
 * "Equal to a full rebuild", for tests of incremental gold: a copy of a lake whose gold tables are
 * rebuilt whole from the same silver tables, and a row-by-row comparison of two tables.
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { queryRows } from '../db';
import { scanSql } from '../delta/scan';
import { DeltaTable } from '../delta/table';
import { goldDir, runGold } from '../layers/gold/gold';
import { DAILY_MODELS } from '../layers/gold/models/daily';
import { productCumulative, userSegments } from '../layers/gold/models/derived';
import { PERIOD_MODELS } from '../layers/gold/models/period';
import { additiveTotalsSql } from '../layers/gold/period-merge';
import { pseudonymKeyFile } from '../layers/gold/pseudonym';

/** Serving tables derived from gold tables; product_key numbers keys in arrival order, so it is left out. */
const DERIVED_COLUMNS: Record<string, string> = { [productCumulative.name]: '* EXCLUDE (product_key)', [userSegments.name]: '*' };
export const DERIVED_MODEL_NAMES = Object.keys(DERIVED_COLUMNS);
export const GOLD_MODEL_NAMES = [...[...DAILY_MODELS, ...PERIOD_MODELS].map((m) => m.name), ...DERIVED_MODEL_NAMES];
export const PERIOD_MODEL_NAMES = PERIOD_MODELS.map((m) => m.name);

/** Copies the lake (and its pseudonym key) and rebuilds every gold model of the copy whole. */
export async function fullRebuildCopy(instance: DuckDBInstance, lakeDir: string): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-rebuild-'));
  const copy = path.join(root, 'lake');
  for (const layer of ['bronze', 'silver', 'gold']) {
    if (existsSync(path.join(lakeDir, layer))) cpSync(path.join(lakeDir, layer), path.join(copy, layer), { recursive: true });
  }
  cpSync(pseudonymKeyFile(lakeDir), pseudonymKeyFile(copy));
  await runGold({ instance, lakeDir: copy, runId: 'full-rebuild', fullRefresh: true, log: () => undefined });
  return copy;
}

/** Rows in one relation and not the other, both ways, as multisets (0 = the same rows). */
export async function rowDifference(conn: DuckDBConnection, a: string, b: string): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ((SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) UNION ALL (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a}))`);
  return n;
}

/**
 * A gold table's rows to compare. An additive table's rows add up per key, so it is compared as one
 * row per key with its sums (keys whose sums are all zero dropped), however its merges split them.
 */
export async function goldTableSql(lakeDir: string, name: string): Promise<string> {
  const snapshot = await (await DeltaTable.open(goldDir(lakeDir, name))).snapshot();
  const merge = PERIOD_MODELS.find((m) => m.name === name)?.merge;
  if (merge?.kind === 'additive') return `(${additiveTotalsSql(merge, snapshot.schema.fields, scanSql(snapshot).sql, { nonZero: true })})`;
  return `(SELECT ${DERIVED_COLUMNS[name] ?? '*'} FROM (${scanSql(snapshot).sql}))`;
}

/** Per gold table, how many rows differ between two lakes (every table should be 0). */
export async function goldDifferences(conn: DuckDBConnection, lakeDir: string, otherLakeDir: string, names = GOLD_MODEL_NAMES): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = await rowDifference(conn, await goldTableSql(lakeDir, name), await goldTableSql(otherLakeDir, name));
  return out;
}
