/**
 * gold.benchmarks — grain: one row per (benchmark run, measure). Every `clicklake bench` appends its
 * figures so the technical page can show how speed moves between versions.
 */
import { DuckDBTimestampTZValue, type DuckDBValue } from '@duckdb/node-api';
import { openDuckDB } from '../db';
import { append } from '../delta/operations';
import { TABLES, tableDir } from '../layers/tables';

function flatten(prefix: string, value: unknown, out: Array<[string, number]>): void {
  if (typeof value === 'number' && Number.isFinite(value)) out.push([prefix, value]);
  else if (typeof value === 'boolean') out.push([prefix, value ? 1 : 0]);
  else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, child, out);
}

export async function recordBenchmark(lakeDir: string, results: object): Promise<void> {
  const measures: Array<[string, number]> = [];
  flatten('', results, measures);
  if (measures.length === 0) return;
  const instance = await openDuckDB({ memoryLimit: '1GB' });
  const conn = await instance.connect();
  try {
    const at = new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n);
    const params: DuckDBValue[] = [];
    const tuples = measures.map(([measure, value]) => {
      params.push(at, measure, value);
      const n = params.length;
      return `(CAST($${n - 2} AS TIMESTAMPTZ), CAST($${n - 1} AS VARCHAR), CAST($${n} AS DOUBLE))`;
    });
    const sql = `SELECT * FROM (VALUES ${tuples.join(', ')}) AS t(measured_at, measure, value)`;
    await append(conn, tableDir(lakeDir, TABLES.benchmarks), sql, { params, createIfMissing: true });
  } finally {
    conn.closeSync();
  }
}
