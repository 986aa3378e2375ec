/**
 * The writes the pipeline uses, each one commit: `append` (blind append, optional idempotent txn,
 * schema evolution with mergeSchema, table creation when missing), `overwrite` (replace all rows,
 * optionally the schema) and `replacePartitions` (replaceWhere on partition values: remove every
 * file of the given partitions and add the new ones). Data files are written first; if the write or
 * the schema check fails nothing is committed (orphan files are left for vacuum).
 */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { AddAction, Metadata, Protocol, RemoveAction, TxnAction } from './actions';
import { DeltaError } from './errors';
import { assertWritable, protocolForSchema, upgradeProtocolFor } from './protocol';
import type { StructType } from './schema';
import { schemaFromQuery, schemaToString, typeToString } from './schema';
import type { Snapshot } from './snapshot';
import { DeltaTable, newMetadata } from './table';
import type { CommitRequest, ReadScope } from './transaction';
import { commit } from './transaction';
import type { QueryParams } from './write';
import { checkSchemaFits, writeDataFiles } from './write';

export interface TxnId {
  appId: string;
  version: number;
}

export interface WriteOptions {
  params?: QueryParams;
  /** Idempotent writers: skip the write when (appId, version) is already committed. */
  txn?: TxnId;
  /** More app versions to record in the commit, without the skip check (the caller decided to write). */
  txns?: TxnId[];
  /** Add the query's new columns (as nullable) to the table schema. */
  mergeSchema?: boolean;
  /** For a new table; for an existing one it must match. */
  partitionColumns?: string[];
  /** Create the table with the query's schema when missing (default true). */
  createIfMissing?: boolean;
  configuration?: Record<string, string>;
  targetFileSize?: number;
  operationParameters?: Record<string, unknown>;
}

export interface OverwriteOptions extends WriteOptions {
  /** Replace the schema (and partitioning) with the query's. */
  overwriteSchema?: boolean;
}

export interface ReplacePartitionsOptions extends WriteOptions {
  /** Partitions to replace: partition column → value as in partitionValues (null for NULL). */
  partitions: Array<Record<string, string | null>>;
}

export interface WriteResult {
  version: number;
  numFiles: number;
  numOutputRows: number;
  numOutputBytes: number;
  numRemovedFiles: number;
  /** True when the txn was already committed and nothing was written. */
  skipped: boolean;
}

type Mode = { kind: 'append' } | { kind: 'overwrite'; overwriteSchema: boolean } | { kind: 'replace'; partitions: Array<Record<string, string | null>> };

/** Adds the query's extra columns to the table schema as nullable fields. */
function mergeSchemas(table: StructType, query: StructType): StructType {
  const fields = [...table.fields];
  for (const field of query.fields) {
    if (!fields.some((f) => f.name === field.name)) fields.push({ ...field, nullable: true });
  }
  return { type: 'struct', fields };
}

function samePartitioning(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function matchesAny(values: Record<string, string | null>, partitions: Array<Record<string, string | null>>): boolean {
  return partitions.some((p) => Object.entries(p).every(([column, value]) => (values[column] ?? null) === value));
}

interface Plan {
  schema: StructType;
  partitionColumns: string[];
  configuration: Record<string, string>;
  metadata?: Metadata;
  protocol?: Protocol;
  readVersion: number;
}

async function plan(conn: DuckDBConnection, tableDir: string, query: string, snapshot: Snapshot | undefined, mode: Mode, options: WriteOptions): Promise<Plan> {
  if (!snapshot) {
    const schema = await schemaFromQuery(conn, query, options.params);
    const partitionColumns = options.partitionColumns ?? [];
    const metadata = newMetadata({ schema, partitionColumns, configuration: options.configuration });
    return { schema, partitionColumns, configuration: metadata.configuration, metadata, protocol: protocolForSchema(schema), readVersion: -1 };
  }
  assertWritable(snapshot.protocol, snapshot.metadata, tableDir, snapshot.version);
  const base = { configuration: snapshot.configuration, readVersion: snapshot.version };
  if (mode.kind === 'overwrite' && mode.overwriteSchema) {
    const schema = await schemaFromQuery(conn, query, options.params);
    const partitionColumns = options.partitionColumns ?? snapshot.partitionColumns;
    const metadata: Metadata = { ...snapshot.metadata, schemaString: schemaToString(schema), partitionColumns };
    return { ...base, schema, partitionColumns, metadata, protocol: upgradeProtocolFor(snapshot.protocol, schema) };
  }
  if (options.partitionColumns && !samePartitioning(options.partitionColumns, snapshot.partitionColumns)) {
    throw new DeltaError(
      'SCHEMA_MISMATCH',
      `${tableDir} is partitioned by [${snapshot.partitionColumns.join(', ')}], not [${options.partitionColumns.join(', ')}]`,
      { table: tableDir, version: snapshot.version },
    );
  }
  if (options.mergeSchema) {
    const querySchema = await schemaFromQuery(conn, query, options.params);
    const merged = mergeSchemas(snapshot.schema, querySchema);
    if (merged.fields.length > snapshot.schema.fields.length) {
      checkSchemaFits(querySchema, merged, tableDir);
      const metadata: Metadata = { ...snapshot.metadata, schemaString: schemaToString(merged) };
      return { ...base, schema: merged, partitionColumns: snapshot.partitionColumns, metadata, protocol: upgradeProtocolFor(snapshot.protocol, merged) };
    }
  }
  return { ...base, schema: snapshot.schema, partitionColumns: snapshot.partitionColumns };
}

function removeFor(add: AddAction, now: number): RemoveAction {
  return { path: add.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: add.partitionValues, size: add.size };
}

async function write(conn: DuckDBConnection, dir: string, query: string, mode: Mode, options: WriteOptions, operation: string): Promise<WriteResult> {
  const tableDir = path.resolve(dir);
  const exists = DeltaTable.exists(tableDir);
  if (!exists && options.createIfMissing === false) {
    throw new DeltaError('NOT_A_TABLE', `${tableDir} is not a Delta table (and createIfMissing is false)`, { table: tableDir });
  }
  const snapshot = exists ? await (await DeltaTable.open(tableDir)).snapshot() : undefined;
  const nothing = { numFiles: 0, numOutputRows: 0, numOutputBytes: 0, numRemovedFiles: 0, skipped: true };
  if (options.txn && snapshot) {
    const done = snapshot.txnVersion(options.txn.appId);
    if (done !== undefined && done >= options.txn.version) return { version: snapshot.version, ...nothing };
  }
  const p = await plan(conn, tableDir, query, snapshot, mode, options);
  if (mode.kind === 'replace') {
    for (const partition of mode.partitions) {
      const unknown = Object.keys(partition).filter((c) => !p.partitionColumns.includes(c));
      if (unknown.length > 0) throw new DeltaError('INVALID_ARGUMENT', `replacePartitions: ${unknown.join(', ')} not partition column(s) of ${tableDir}`, { table: tableDir });
    }
  }
  const written = await writeDataFiles(conn, {
    tableDir,
    query,
    params: options.params,
    partitionColumns: p.partitionColumns,
    schema: p.schema,
    configuration: p.configuration,
    targetFileSize: options.targetFileSize,
  });
  if (mode.kind === 'replace') {
    const stray = written.adds.find((a) => !matchesAny(a.partitionValues, mode.partitions));
    if (stray) {
      throw new DeltaError('INVALID_ARGUMENT', `replacePartitions: the data has rows in partition ${JSON.stringify(stray.partitionValues)}, outside the partitions being replaced`, {
        table: tableDir,
      });
    }
  }
  const now = Date.now();
  let removes: RemoveAction[] = [];
  let readScope: ReadScope = { kind: 'none' };
  if (snapshot && mode.kind === 'overwrite') {
    removes = [...snapshot.addActions.values()].map((a) => removeFor(a, now));
    readScope = { kind: 'all' };
  } else if (snapshot && mode.kind === 'replace') {
    removes = [...snapshot.addActions.values()].filter((a) => matchesAny(p.partitionColumns.length ? a.partitionValues ?? {} : {}, mode.partitions)).map((a) => removeFor(a, now));
    readScope = { kind: 'partitions', partitions: mode.partitions };
  }
  const txns: TxnAction[] = [...(options.txn ? [options.txn] : []), ...(options.txns ?? [])].map((t) => ({ appId: t.appId, version: t.version, lastUpdated: now }));
  const request: CommitRequest = {
    operation,
    operationParameters: {
      mode: mode.kind === 'append' ? 'Append' : 'Overwrite',
      partitionBy: p.partitionColumns,
      ...(mode.kind === 'replace' ? { replaceWhere: mode.partitions } : {}),
      ...options.operationParameters,
    },
    operationMetrics: {
      numFiles: written.adds.length,
      numOutputRows: written.numOutputRows,
      numOutputBytes: written.numOutputBytes,
      ...(removes.length ? { numRemovedFiles: removes.length } : {}),
    },
    readVersion: p.readVersion,
    actions: { adds: written.adds, removes, txns, metadata: p.metadata, protocol: p.protocol },
    readScope,
    checkpointInterval: Number(p.configuration['delta.checkpointInterval'] ?? 10),
  };
  let result = await commit(tableDir, request);
  if (result.status === 'conflict' && result.kind === 'exists' && mode.kind === 'append') {
    // Another writer created the table first: if it has our schema, our files are a plain append to it.
    const created = await (await DeltaTable.open(tableDir)).snapshot();
    const sameShape =
      samePartitioning(created.partitionColumns, p.partitionColumns) &&
      p.schema.fields.every((f) => created.schema.fields.some((g) => g.name === f.name && typeToString(g.type) === typeToString(f.type)));
    if (sameShape) {
      result = await commit(tableDir, { ...request, readVersion: created.version, actions: { adds: written.adds, txns }, readScope: { kind: 'none' } });
    }
  }
  if (result.status === 'conflict') {
    if (result.kind === 'txn' && options.txn) {
      const latest = await (await DeltaTable.open(tableDir)).snapshot();
      const done = latest.txnVersion(options.txn.appId);
      if (done !== undefined && done >= options.txn.version) return { version: latest.version, ...nothing };
    }
    throw new DeltaError('CONCURRENT_MODIFICATION', `${operation} on ${tableDir} conflicts with a concurrent commit: ${result.reason}`, {
      table: tableDir,
      version: result.version,
    });
  }
  return {
    version: result.version,
    numFiles: written.adds.length,
    numOutputRows: written.numOutputRows,
    numOutputBytes: written.numOutputBytes,
    numRemovedFiles: removes.length,
    skipped: false,
  };
}

/** Appends the rows of `query`; creates the table from the query's schema when missing. */
export function append(conn: DuckDBConnection, tableDir: string, query: string, options: WriteOptions = {}): Promise<WriteResult> {
  return write(conn, tableDir, query, { kind: 'append' }, options, 'WRITE');
}

/** Replaces every row of the table with the rows of `query`. */
export function overwrite(conn: DuckDBConnection, tableDir: string, query: string, options: OverwriteOptions = {}): Promise<WriteResult> {
  return write(conn, tableDir, query, { kind: 'overwrite', overwriteSchema: options.overwriteSchema ?? false }, options, 'WRITE');
}

/** Replaces the given partitions (all their files) with the rows of `query`, in one commit. */
export function replacePartitions(conn: DuckDBConnection, tableDir: string, query: string, options: ReplacePartitionsOptions): Promise<WriteResult> {
  if (options.partitions.length === 0) throw new DeltaError('INVALID_ARGUMENT', 'replacePartitions needs at least one partition', { table: tableDir });
  return write(conn, tableDir, query, { kind: 'replace', partitions: options.partitions }, { ...options, createIfMissing: options.createIfMissing ?? false }, 'WRITE');
}
