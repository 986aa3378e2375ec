/**
 * Reading a snapshot with DuckDB: a SELECT over exactly the snapshot's (pruned) data files, typed by
 * the Delta schema. Partition columns come from each file's `partitionValues`, never from directory
 * names: a list of the files' values, indexed by the row's position of its file in the scan
 * (`file_index`). Joining the rows to the values on the file name cost a hash join on a long string
 * per row: a scan of one column of session_facts (32 M rows) took three times as long. Files written
 * before a column was added lack it: an empty typed branch unioned BY NAME with the files makes such
 * columns NULL, and gives a table with zero files an empty result of the right types. Paths and
 * values are inlined as escaped literals so the SQL can define a view.
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

const FILE_INDEX = '__clicklake_file_index';

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
    // file_index is the position of the row's file in the list given to read_parquet.
    const fileIndex = partitionFields.length > 0 ? [`CAST(NULL AS BIGINT) AS ${FILE_INDEX}`] : [];
    const dataBranch = `SELECT ${[...dataFields.map(typedNull), ...fileIndex].join(', ')} WHERE false
      UNION ALL BY NAME SELECT *${fileIndex.length ? `, CAST(file_index AS BIGINT) AS ${FILE_INDEX}` : ''} FROM read_parquet([${list}], union_by_name = true, hive_partitioning = false)`;
    const partitionColumns = partitionFields.map((p) => {
      const values = files.map((f) => partitionSqlLiteral(p.type, f.partitionValues[p.name] ?? null));
      return `CAST([${values.join(', ')}][d.${FILE_INDEX} + 1] AS ${deltaTypeToDuckDB(p.type)}) AS ${quoteIdentifier(p.name)}`;
    });
    body = `SELECT ${[...typedData, ...partitionColumns].join(', ')} FROM (${dataBranch}) AS d`;
  }
  const filter = options.predicate && options.filterRows !== false ? ` WHERE ${predicateSql(options.predicate, schema)}` : '';
  return `SELECT ${wanted.map(quoteIdentifier).join(', ')} FROM (${body}) AS t${filter}`;
}
