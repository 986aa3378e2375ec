/**
 * The API's DuckDB: one in-memory instance per process and a small pool of connections (one query
 * per connection at a time; several connections run queries in parallel). Rows come back as plain
 * objects with BIGINT/HUGEINT as numbers and DECIMAL as numbers (sums of cents stay far below 2^53).
 */
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';

export type Params = Record<string, DuckDBValue>;

export interface DatabaseOptions {
  memoryLimit: string;
  threads?: number;
  connections: number;
}

/** Prepared statements kept per connection (least recently used first out). */
const STATEMENTS_PER_CONNECTION = 128;

export class Database {
  private readonly idle: DuckDBConnection[] = [];
  /**
   * Per connection, the statements its queries prepared, by SQL text: a dashboard asks the same few
   * hundred queries with different values, and preparing one (parse, bind, plan) costs a few ms of a
   * 20–60 ms query. The text names versioned views, so a statement over an old gold state is simply
   * never asked for again and ages out.
   */
  private readonly statements = new Map<DuckDBConnection, Map<string, DuckDBPreparedStatement>>();
  private readonly waiting: Array<(conn: DuckDBConnection) => void> = [];
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  private constructor(readonly instance: DuckDBInstance) {}

  static async open(options: DatabaseOptions): Promise<Database> {
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: options.memoryLimit,
      threads: String(options.threads ?? os.availableParallelism()),
      preserve_insertion_order: 'false',
      // Loading a large snapshot (sorting, cumulative sums) may exceed the limit for a moment: spill.
      temp_directory: path.join(os.tmpdir(), `clicklake-api-${process.pid}`),
    });
    const db = new Database(instance);
    for (let i = 0; i < options.connections; i++) db.idle.push(await instance.connect());
    // TimeZone cannot be passed at creation; every TIMESTAMPTZ is read and shown in UTC.
    await db.run("SET GLOBAL TimeZone = 'UTC'");
    // Gold files are immutable (Delta never rewrites a data file), so their footers can be cached;
    // the setting exists only once the parquet extension is loaded, hence not at creation.
    await db.run('SET GLOBAL parquet_metadata_cache = true');
    return db;
  }

  private acquire(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const conn = this.idle.pop();
    if (conn) return Promise.resolve(conn);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(conn: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(conn);
    else this.idle.push(conn);
  }

  async withConnection<T>(work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      return await work(conn);
    } finally {
      this.release(conn);
    }
  }

  async run(sql: string, params?: Params): Promise<void> {
    await this.withConnection(async (conn) => {
      await conn.run(sql, params);
    });
  }

  async rows<T>(sql: string, params?: Params): Promise<T[]> {
    return this.withConnection(async (conn) => {
      const statement = await this.prepared(conn, sql);
      if (params && Object.keys(params).length > 0) statement.bind(params);
      else statement.clearBindings();
      const reader = await statement.runAndReadAll();
      // Rows as arrays, named here: about twice as fast as getRowObjectsJS's per-value callbacks.
      const names = reader.deduplicatedColumnNames();
      return reader.getRowsJS().map((row) => {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]] = normalizeValue(row[i]);
        return out as T;
      });
    });
  }

  private async prepared(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
    let cache = this.statements.get(conn);
    if (!cache) this.statements.set(conn, (cache = new Map()));
    let statement = cache.get(sql);
    if (statement) cache.delete(sql);
    else {
      statement = await conn.prepare(sql);
      if (cache.size >= STATEMENTS_PER_CONNECTION) {
        const [oldest, old] = cache.entries().next().value!;
        cache.delete(oldest);
        old.destroySync();
      }
    }
    cache.set(sql, statement);
    return statement;
  }

  close(): void {
    this.closed = true;
    for (const cache of this.statements.values()) for (const statement of cache.values()) statement.destroySync();
    this.statements.clear();
    for (const conn of this.idle.splice(0)) conn.closeSync();
    this.instance.closeSync();
  }
}

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = normalizeValue(value);
  return out;
}

function normalizeValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalizeValue);
  // STRUCT values come back as plain objects.
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return normalizeRow(value as Record<string, unknown>);
  return value;
}
