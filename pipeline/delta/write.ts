/**
 * Writing data files with DuckDB: `COPY (query) TO <table dir> (FORMAT parquet, PARTITION_BY ...,
 * RETURN_STATS true)` writes hive-style partition directories and reports per file its row count,
 * size, column min/max/null counts and partition keys, from which we build `add` actions (PROTOCOL.md
 * "Add File and Remove File"): partition values from DuckDB's keys, never from paths; stats per
 * stats.ts. Columns are cast to the table schema's DuckDB types first, which is also where schema
 * enforcement happens: a query that does not fit fails here, before anything is committed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { AddAction } from './actions';
import { encodeLogPath } from './actions';
import { DeltaError } from './errors';
import type { StructField, StructType } from './schema';
import { canWiden, deltaTypeToDuckDB, quoteIdentifier, schemaFromQuery, typeToString } from './schema';
import type { ColumnStatistics } from './stats';
import { buildStatsJson } from './stats';
import { serializePartitionValue, sqlString } from './values';

export type QueryParams = Record<string, DuckDBValue> | DuckDBValue[];

export interface WriteDataFilesOptions {
  tableDir: string;
  /** A SELECT whose columns are the rows to write. */
  query: string;
  params?: QueryParams;
  partitionColumns: readonly string[];
  /** Target schema (the table's). Defaults to the query's own schema. */
  schema?: StructType;
  /** Table configuration (for delta.dataSkippingNumIndexedCols). */
  configuration?: Record<string, string>;
  /** Roll over to a new file past this many bytes (DuckDB FILE_SIZE_BYTES). Default 256 MB. */
  targetFileSize?: number;
  /** `dataChange` of the add actions (false for compaction). */
  dataChange?: boolean;
  /**
   * Parquet encoding: codec (default zstd), its level (zstd only; DuckDB's default is 3) and whether
   * strings may be dictionary-encoded (default yes).
   */
  parquet?: { compression?: 'zstd' | 'lz4' | 'snappy'; compressionLevel?: number; stringDictionary?: boolean };
}

export interface WrittenFiles {
  adds: AddAction[];
  numOutputRows: number;
  numOutputBytes: number;
  /** The schema of the query as DuckDB typed it. */
  querySchema: StructType;
}

const DEFAULT_TARGET_FILE_SIZE = 256 * 1024 * 1024;
const ROW_GROUP_SIZE = 122_880;

/**
 * Checks the query's columns against the target schema: every query column must exist in the target
 * with the same type or one that widens losslessly into it. Target columns the query lacks are
 * written as NULL when nullable. Throws SCHEMA_MISMATCH naming every offending column.
 */
export function checkSchemaFits(querySchema: StructType, target: StructType, tableDir: string): void {
  const problems: string[] = [];
  for (const field of querySchema.fields) {
    const targetField = target.fields.find((f) => f.name === field.name);
    if (!targetField) {
      const caseOnly = target.fields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
      problems.push(caseOnly ? `'${field.name}' differs in case from table column '${caseOnly.name}'` : `'${field.name}' is not in the table schema`);
    } else if (!canWiden(field.type, targetField.type)) {
      problems.push(`'${field.name}' is ${typeToString(field.type)} but the table has ${typeToString(targetField.type)}`);
    }
  }
  for (const field of target.fields) {
    if (!field.nullable && !querySchema.fields.some((f) => f.name === field.name)) problems.push(`non-nullable column '${field.name}' is missing from the data`);
  }
  if (problems.length > 0) {
    throw new DeltaError('SCHEMA_MISMATCH', `data does not match the schema of ${tableDir}: ${problems.join('; ')}`, { table: tableDir });
  }
}

function projection(field: StructField, present: boolean): string {
  const type = deltaTypeToDuckDB(field.type);
  return `CAST(${present ? `q.${quoteIdentifier(field.name)}` : 'NULL'} AS ${type}) AS ${quoteIdentifier(field.name)}`;
}

interface ReturnStatsRow {
  filename: string;
  count: string;
  file_size_bytes: string;
  column_statistics: { key: string; value: { key: string; value: string | null }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

export async function writeDataFiles(conn: DuckDBConnection, options: WriteDataFilesOptions): Promise<WrittenFiles> {
  const tableDir = path.resolve(options.tableDir);
  const querySchema = await schemaFromQuery(conn, options.query, options.params);
  const schema = options.schema ?? querySchema;
  if (options.schema) checkSchemaFits(querySchema, schema, tableDir);
  for (const column of options.partitionColumns) {
    const field = schema.fields.find((f) => f.name === column);
    if (!field) throw new DeltaError('SCHEMA_MISMATCH', `partition column '${column}' is not in the schema of ${tableDir}`, { table: tableDir });
    if (typeof field.type !== 'string') throw new DeltaError('SCHEMA_MISMATCH', `partition column '${column}' has nested type ${typeToString(field.type)}`, { table: tableDir });
  }
  if (schema.fields.length === options.partitionColumns.length) {
    throw new DeltaError('SCHEMA_MISMATCH', `${tableDir} needs at least one column that is not a partition column`, { table: tableDir });
  }
  const present = new Set(querySchema.fields.map((f) => f.name));
  const select = schema.fields.map((f) => projection(f, present.has(f.name))).join(', ');
  const copyOptions = [
    'FORMAT parquet',
    `COMPRESSION ${options.parquet?.compression ?? 'zstd'}`,
    `ROW_GROUP_SIZE ${ROW_GROUP_SIZE}`,
    "FILENAME_PATTERN 'part-{uuid}'",
    'APPEND true',
    'RETURN_STATS true',
  ];
  if (options.parquet?.compressionLevel !== undefined) copyOptions.push(`COMPRESSION_LEVEL ${Math.trunc(options.parquet.compressionLevel)}`);
  if (options.parquet?.stringDictionary === false) copyOptions.push('STRING_DICTIONARY_PAGE_SIZE_LIMIT 1');
  // DuckDB cannot roll files over by size in partitioned writes: one file per partition (per thread).
  if (options.partitionColumns.length > 0) copyOptions.push(`PARTITION_BY (${options.partitionColumns.map(quoteIdentifier).join(', ')})`);
  else copyOptions.push(`FILE_SIZE_BYTES ${Math.max(1, Math.floor(options.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE))}`);
  fs.mkdirSync(tableDir, { recursive: true });
  const sql = `COPY (SELECT ${select} FROM (${options.query}) AS q) TO ${sqlString(tableDir)} (${copyOptions.join(', ')})`;
  let rows: ReturnStatsRow[];
  try {
    const reader = await conn.runAndReadAll(sql, options.params);
    rows = reader.getRowObjectsJson() as unknown as ReturnStatsRow[];
  } catch (error) {
    throw new DeltaError('WRITE_FAILED', `writing data files to ${tableDir} failed: ${(error as Error).message.split('\n')[0]}`, { table: tableDir, cause: error });
  }
  const numIndexedCols = Number(options.configuration?.['delta.dataSkippingNumIndexedCols'] ?? 32);
  const partitionTypes = new Map(options.partitionColumns.map((c) => [c, schema.fields.find((f) => f.name === c)!.type]));
  const now = Date.now();
  const adds: AddAction[] = [];
  let numOutputRows = 0;
  let numOutputBytes = 0;
  for (const row of rows) {
    const count = Number(row.count);
    if (count === 0) {
      fs.rmSync(row.filename, { force: true });
      continue;
    }
    const columns: ColumnStatistics = new Map();
    for (const column of row.column_statistics ?? []) columns.set(column.key, new Map(column.value.map((e) => [e.key, e.value])));
    const partitionValues: Record<string, string | null> = {};
    const keys = new Map((row.partition_keys ?? []).map((e) => [e.key, e.value]));
    for (const [column, type] of partitionTypes) partitionValues[column] = serializePartitionValue(type, keys.get(column) ?? null);
    const size = Number(row.file_size_bytes);
    adds.push({
      path: encodeLogPath(path.relative(tableDir, row.filename)),
      partitionValues,
      size,
      modificationTime: now,
      dataChange: options.dataChange ?? true,
      stats: buildStatsJson(count, columns, schema, options.partitionColumns, numIndexedCols),
    });
    numOutputRows += count;
    numOutputBytes += size;
  }
  return { adds, numOutputRows, numOutputBytes, querySchema };
}
