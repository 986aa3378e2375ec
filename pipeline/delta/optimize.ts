/**
 * Compaction (Delta's OPTIMIZE): per partition, bin-pack files smaller than the target size into
 * bins of about the target (default 128 MB), rewrite each bin as one file (optionally sorted by
 * `clusterBy` columns) and commit the adds and removes with `dataChange=false`, so readers of the
 * change feed and streaming appends see no data change. The commit conflicts only if a concurrent
 * commit removed one of the files we compacted.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { RemoveAction } from './actions';
import { DeltaError } from './errors';
import { assertWritable } from './protocol';
import { filesScanSql } from './scan';
import { quoteIdentifier } from './schema';
import type { AddFile } from './snapshot';
import { DeltaTable } from './table';
import { commit } from './transaction';
import { writeDataFiles } from './write';

export interface OptimizeOptions {
  /** Target file size in bytes (default 128 MB). */
  targetFileSize?: number;
  /** Sort rewritten files by these columns; every file of a partition is then rewritten. */
  clusterBy?: string[];
}

export interface OptimizeResult {
  version: number | null;
  numFilesRemoved: number;
  numFilesAdded: number;
  numPartitionsOptimized: number;
  bytesBefore: number;
  bytesAfter: number;
}

const DEFAULT_TARGET = 128 * 1024 * 1024;

/** First-fit decreasing bin packing of files by size. */
function binPack(files: AddFile[], target: number): AddFile[][] {
  const bins: { size: number; files: AddFile[] }[] = [];
  for (const file of [...files].sort((a, b) => b.size - a.size)) {
    const bin = bins.find((b) => b.size + file.size <= target);
    if (bin) {
      bin.files.push(file);
      bin.size += file.size;
    } else {
      bins.push({ size: file.size, files: [file] });
    }
  }
  return bins.map((b) => b.files);
}

export async function optimize(conn: DuckDBConnection, tableDir: string, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const table = await DeltaTable.open(tableDir);
  const snapshot = await table.snapshot();
  assertWritable(snapshot.protocol, snapshot.metadata, table.dir, snapshot.version);
  const target = options.targetFileSize ?? DEFAULT_TARGET;
  const clusterBy = options.clusterBy ?? [];
  for (const column of clusterBy) {
    if (!snapshot.schema.fields.some((f) => f.name === column)) {
      throw new DeltaError('INVALID_ARGUMENT', `cluster column '${column}' is not in the schema of ${table.dir}`, { table: table.dir });
    }
  }
  const byPartition = new Map<string, AddFile[]>();
  for (const file of snapshot.files) {
    const key = JSON.stringify(snapshot.partitionColumns.map((c) => file.partitionValues[c]));
    byPartition.set(key, [...(byPartition.get(key) ?? []), file]);
  }
  // Rounds: the k-th bin of every partition is rewritten by the k-th COPY (one file per partition each).
  const rounds: AddFile[][] = [];
  let partitions = 0;
  for (const files of byPartition.values()) {
    const candidates = clusterBy.length > 0 ? files : files.filter((f) => f.size < target);
    const bins = binPack(candidates, target).filter((bin) => bin.length > 1 || clusterBy.length > 0);
    if (bins.length > 0) partitions++;
    bins.forEach((bin, k) => {
      rounds[k] = [...(rounds[k] ?? []), ...bin];
    });
  }
  const empty = { numFilesRemoved: 0, numFilesAdded: 0, numPartitionsOptimized: 0, bytesBefore: snapshot.sizeBytes, bytesAfter: snapshot.sizeBytes };
  if (rounds.length === 0) return { version: null, ...empty };

  const adds = [];
  let rowsWritten = 0;
  for (const files of rounds) {
    const order = [...snapshot.partitionColumns, ...clusterBy];
    const query = `SELECT * FROM (${filesScanSql(snapshot, files)}) AS s${order.length ? ` ORDER BY ${order.map(quoteIdentifier).join(', ')}` : ''}`;
    const written = await writeDataFiles(conn, {
      tableDir: table.dir,
      query,
      partitionColumns: snapshot.partitionColumns,
      schema: snapshot.schema,
      configuration: snapshot.configuration,
      targetFileSize: target,
      dataChange: false,
    });
    adds.push(...written.adds);
    rowsWritten += written.numOutputRows;
  }
  const removedFiles = rounds.flat();
  const rowsBefore = removedFiles.reduce((n, f) => n + (f.numRecords ?? 0), 0);
  if (removedFiles.every((f) => f.numRecords !== undefined) && rowsBefore !== rowsWritten) {
    throw new DeltaError('WRITE_FAILED', `optimize of ${table.dir} wrote ${rowsWritten} rows for ${rowsBefore} compacted; nothing committed`, { table: table.dir });
  }
  const now = Date.now();
  const removes: RemoveAction[] = removedFiles.map((f) => ({
    path: f.path,
    deletionTimestamp: now,
    dataChange: false,
    extendedFileMetadata: true,
    partitionValues: f.action.partitionValues,
    size: f.size,
  }));
  const bytesRemoved = removedFiles.reduce((n, f) => n + f.size, 0);
  const bytesAdded = adds.reduce((n, a) => n + a.size, 0);
  const result = await commit(table.dir, {
    operation: 'OPTIMIZE',
    operationParameters: { predicate: [], zOrderBy: clusterBy, targetFileSize: target },
    operationMetrics: { numRemovedFiles: removes.length, numAddedFiles: adds.length, numRemovedBytes: bytesRemoved, numAddedBytes: bytesAdded },
    readVersion: snapshot.version,
    actions: { adds, removes },
    isBlindAppend: false,
    readScope: { kind: 'files' },
    checkpointInterval: Number(snapshot.configuration['delta.checkpointInterval'] ?? 10),
  });
  if (result.status === 'conflict') {
    throw new DeltaError('CONCURRENT_MODIFICATION', `optimize of ${table.dir} conflicts with a concurrent commit: ${result.reason}`, { table: table.dir, version: result.version });
  }
  return {
    version: result.version,
    numFilesRemoved: removes.length,
    numFilesAdded: adds.length,
    numPartitionsOptimized: partitions,
    bytesBefore: snapshot.sizeBytes,
    bytesAfter: snapshot.sizeBytes - bytesRemoved + bytesAdded,
  };
}
