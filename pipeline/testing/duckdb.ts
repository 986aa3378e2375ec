/** A DuckDB connection for a test file: opened before its tests, closed after them. */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';
import { openDuckDB } from '../db';

export function duckdbForFile(): () => DuckDBConnection {
  let conn: DuckDBConnection | undefined;
  beforeAll(async () => {
    conn = await (await openDuckDB()).connect();
  });
  afterAll(() => conn?.closeSync());
  return () => {
    if (!conn) throw new Error('duckdbForFile: the connection is opened in beforeAll');
    return conn;
  };
}
