/**
 * Reading a snapshot with DuckDB: a SELECT over exactly the snapshot's (pruned) data files, typed by
 * the Delta schema. Partition columns come from each file's `partitionValues` (joined on the file
 * name), never from directory names. Files written before a column was added lack it: an empty typed
 * branch unioned BY NAME with the files makes such columns NULL, and gives a table with zero files an
 * empty result of the right types. Paths and values are inlined as escaped literals so the SQL can
 * define a view.
 */
import { DeltaError } from './errors';
import type { StructField } from './schema';
import { deltaTypeToDuckDB, quoteIdentifier } from './schema';
import type { AddFile, Snapshot } from './snapshot';
import type { Predicate } from './skipping';
import { predicateSql } from './skipping';
import { partitionSqlLiteral, sqlString } from './values';

export interface ScanOptions {
  predicate?: Predicate;
  /** Columns to return (default: all, in schema order). */
  columns?: string[];
  /** Also filter rows with the predicate (default true); false only prunes files. */
  filterRows?: boolean;
  /** Read only these of the snapshot's files (e.g. the ones added since a version), before pruning. */
  onlyPaths?: ReadonlySet<string>;
}

export interface ScanPlan {
  sql: string;
  files: AddFile[];
  skippedFiles: number;
  skippedBytes: number;
}

const FILE_COLUMN = '__clicklake_file';

function typedNull(field: StructField): string {
  return `CAST(NULL AS ${deltaTypeToDuckDB(field.type)}) AS ${quoteIdentifier(field.name)}`;
}

export function scanSql(snapshot: Snapshot, options: ScanOptions = {}): ScanPlan {
  const pruned = snapshot.prune(options.predicate);
  const { skippedFiles, skippedBytes } = pruned;
  const files = options.onlyPaths ? pruned.files.filter((f) => options.onlyPaths!.has(f.path)) : pruned.files;
  return { sql: filesScanSql(snapshot, files, options), files, skippedFiles, skippedBytes };
}

/** The scan SQL over a chosen subset of a snapshot's files (optimize rewrites bins this way). */
export function filesScanSql(snapshot: Snapshot, files: readonly AddFile[], options: Omit<ScanOptions, 'onlyPaths'> = {}): string {
  const schema = snapshot.schema;
  const partitionSet = new Set(snapshot.partitionColumns);
  const dataFields = schema.fields.filter((f) => !partitionSet.has(f.name));
  const partitionFields = snapshot.partitionFields;
  const wanted = options.columns ?? schema.fields.map((f) => f.name);
  for (const column of wanted) {
    if (!schema.fields.some((f) => f.name === column)) {
      throw new DeltaError('INVALID_ARGUMENT', `column '${column}' is not in the schema of ${snapshot.tableDir}`, { table: snapshot.tableDir, version: snapshot.version });
    }
  }

  let body: string;
  const emptyBranch = `SELECT ${[...dataFields.map(typedNull), ...partitionFields.map(typedNull)].join(', ')} WHERE false`;
  if (files.length === 0) {
    body = emptyBranch;
  } else {
    const list = files.map((f) => sqlString(f.absolutePath)).join(', ');
    const typedData = dataFields.map((f) => `CAST(d.${quoteIdentifier(f.name)} AS ${deltaTypeToDuckDB(f.type)}) AS ${quoteIdentifier(f.name)}`);
    const dataBranch = `SELECT ${[...dataFields.map(typedNull), `CAST(NULL AS VARCHAR) AS ${FILE_COLUMN}`].join(', ')} WHERE false
      UNION ALL BY NAME SELECT *, filename AS ${FILE_COLUMN} FROM read_parquet([${list}], union_by_name = true)`;
    if (partitionFields.length === 0) {
      body = `SELECT ${typedData.join(', ')} FROM (${dataBranch}) AS d`;
    } else {
      const rows = files.map((f) => `(${[sqlString(f.absolutePath), ...partitionFields.map((p) => partitionSqlLiteral(p.type, f.partitionValues[p.name] ?? null))].join(', ')})`);
      const names = [FILE_COLUMN, ...partitionFields.map((p) => quoteIdentifier(p.name))].join(', ');
      const partitionColumns = partitionFields.map((p) => `p.${quoteIdentifier(p.name)}`);
      body = `SELECT ${[...typedData, ...partitionColumns].join(', ')} FROM (${dataBranch}) AS d JOIN (VALUES ${rows.join(', ')}) AS p(${names}) ON d.${FILE_COLUMN} = p.${FILE_COLUMN}`;
    }
  }
  const filter = options.predicate && options.filterRows !== false ? ` WHERE ${predicateSql(options.predicate, schema)}` : '';
  return `SELECT ${wanted.map(quoteIdentifier).join(', ')} FROM (${body}) AS t${filter}`;
}
