/**
 * The pipeline's DuckDB instance: one per process, configured for this 2-core / 24 GiB class of
 * machine (memory limit from CLICKLAKE_MEMORY_LIMIT, spilling to a temp directory inside the lake so
 * large sorts and aggregates degrade to disk instead of failing), UTC session time zone.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { env } from './config';

export interface DuckDBOptions {
  memoryLimit?: string;
  threads?: number;
  tempDirectory?: string;
}

export async function openDuckDB(options: DuckDBOptions = {}): Promise<DuckDBInstance> {
  const tempDirectory = options.tempDirectory ?? path.join(os.tmpdir(), 'clicklake-duckdb');
  mkdirSync(tempDirectory, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit ?? env().CLICKLAKE_MEMORY_LIMIT,
    threads: String(options.threads ?? env().CLICKLAKE_THREADS ?? os.availableParallelism()),
    temp_directory: tempDirectory,
    // Keeps bronze rows in line order within each file and makes results reproducible.
    preserve_insertion_order: 'true',
  });
  // TimeZone cannot be passed at creation (ICU loads after config); every timestamptz is shown in UTC.
  const conn = await instance.connect();
  await conn.run("SET GLOBAL TimeZone = 'UTC'");
  conn.closeSync();
  return instance;
}

export type Params = Record<string, DuckDBValue>;

/**
 * Runs `work` with insertion order off (for writes whose order is explicit or irrelevant): DuckDB then
 * writes on every thread. The setting is global to the instance, so it is restored afterwards.
 */
export async function withoutInsertionOrder<T>(conn: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  // Restores what was set before, so calls nest.
  const [{ before }] = await queryRows<{ before: boolean }>(conn, "SELECT current_setting('preserve_insertion_order') AS before");
  await conn.run('SET GLOBAL preserve_insertion_order = false');
  try {
    return await work();
  } finally {
    await conn.run(`SET GLOBAL preserve_insertion_order = ${before ? 'true' : 'false'}`);
  }
}

/** One statement whose output order is irrelevant (a temp table of a set, staging), run without insertion order. */
export function runUnordered(conn: DuckDBConnection, sql: string, params?: Params): Promise<unknown> {
  return withoutInsertionOrder(conn, () => conn.run(sql, params));
}

/** Rows as plain objects, BIGINT/HUGEINT converted to number when safe (else string). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => normalizeRow(row)) as T[];
}

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = normalizeValue(value);
  return out;
}

function normalizeValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(normalizeValue);
  return value;
}

/** Quote a string as a SQL literal (for file paths in table functions, which cannot be bound). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
