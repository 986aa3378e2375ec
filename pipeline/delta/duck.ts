/**
 * The library's own DuckDB instance, used to read and write checkpoint Parquet when no caller
 * connection is at hand (opening a snapshot must not need one). One in-memory instance per process,
 * created on first use; every call gets its own short-lived connection. It holds no table state.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

export async function withInternalConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await (await instance).connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
  }
}
