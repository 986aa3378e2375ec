/** Helpers shared by the delta tests: temp dirs and order-insensitive row comparison in DuckDB. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `clicklake-${prefix}-`));
}

export interface RowDiff {
  onlyLeft: number;
  onlyRight: number;
  left: number;
  right: number;
  sampleLeft: unknown[];
  sampleRight: unknown[];
}

/** Multiset difference of two queries with the same columns (EXCEPT ALL both ways). */
export async function diffRows(conn: DuckDBConnection, left: string, right: string): Promise<RowDiff> {
  const count = async (sql: string) => Number((await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRows()[0][0]);
  const sample = async (sql: string) => (await conn.runAndReadAll(`SELECT * FROM (${sql}) LIMIT 5`)).getRowObjectsJson();
  const leftOnly = `SELECT * FROM (${left}) EXCEPT ALL SELECT * FROM (${right})`;
  const rightOnly = `SELECT * FROM (${right}) EXCEPT ALL SELECT * FROM (${left})`;
  const onlyLeft = await count(leftOnly);
  const onlyRight = await count(rightOnly);
  return {
    onlyLeft,
    onlyRight,
    left: await count(left),
    right: await count(right),
    sampleLeft: onlyLeft ? await sample(leftOnly) : [],
    sampleRight: onlyRight ? await sample(rightOnly) : [],
  };
}
