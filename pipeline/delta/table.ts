/**
 * `DeltaTable`: a table addressed by its directory. Opening checks that `_delta_log` holds a log;
 * `latestVersion()` only lists the log (cheap enough to poll); `snapshot()` replays it; `history()`
 * reads commitInfo per version (PROTOCOL.md "Commit Provenance Information"); `create()` commits
 * version 0 with protocol and metaData.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CommitInfo, Metadata } from './actions';
import { readCommit } from './actions';
import { DeltaError } from './errors';
import { latestListedVersion, listLog, logDir } from './log-paths';
import { earliestReconstructableVersion } from './log-segment';
import { protocolForSchema } from './protocol';
import type { StructType } from './schema';
import { schemaToString } from './schema';
import type { Snapshot, SnapshotOptions } from './snapshot';
import { loadSnapshot } from './snapshot';
import { commit } from './transaction';

export interface CreateTableOptions {
  schema: StructType;
  partitionColumns?: string[];
  configuration?: Record<string, string>;
  name?: string;
  description?: string;
}

export interface HistoryEntry {
  version: number;
  /** commitInfo.timestamp, or the commit file's modification time when absent. */
  timestamp: number;
  operation: string | null;
  operationParameters: Record<string, unknown>;
  operationMetrics: Record<string, unknown>;
  readVersion: number | null;
  isBlindAppend: boolean | null;
  engineInfo: string | null;
  commitInfo: CommitInfo | null;
}

export function newMetadata(options: CreateTableOptions): Metadata {
  return {
    id: crypto.randomUUID(),
    name: options.name ?? null,
    description: options.description ?? null,
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(options.schema),
    partitionColumns: options.partitionColumns ?? [],
    configuration: options.configuration ?? {},
    createdTime: Date.now(),
  };
}

export class DeltaTable {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** Opens an existing table; NOT_A_TABLE when `dir` has no Delta log. */
  static async open(dir: string): Promise<DeltaTable> {
    listLog(path.resolve(dir));
    return new DeltaTable(dir);
  }

  /** Whether `dir` holds a Delta log (a commit or a checkpoint in `_delta_log`). */
  static exists(dir: string): boolean {
    try {
      listLog(path.resolve(dir));
      return true;
    } catch (error) {
      if (error instanceof DeltaError && error.code === 'NOT_A_TABLE') return false;
      throw error;
    }
  }

  /** Creates an empty table (version 0). TABLE_EXISTS when it already has a log. */
  static async create(dir: string, options: CreateTableOptions): Promise<DeltaTable> {
    const table = new DeltaTable(dir);
    if (DeltaTable.exists(table.dir)) throw new DeltaError('TABLE_EXISTS', `${table.dir} is already a Delta table`, { table: table.dir });
    for (const column of options.partitionColumns ?? []) {
      if (!options.schema.fields.some((f) => f.name === column)) {
        throw new DeltaError('SCHEMA_MISMATCH', `partition column '${column}' is not in the schema`, { table: table.dir });
      }
    }
    const result = await commit(table.dir, {
      operation: 'CREATE TABLE',
      operationParameters: { partitionBy: options.partitionColumns ?? [], description: options.description, properties: options.configuration ?? {} },
      readVersion: -1,
      actions: { protocol: protocolForSchema(options.schema), metadata: newMetadata(options) },
      isBlindAppend: true,
    });
    if (result.status !== 'committed') throw new DeltaError('TABLE_EXISTS', `${table.dir} was created concurrently`, { table: table.dir });
    return table;
  }

  /** The newest committed version, from a listing of `_delta_log` (no replay). */
  latestVersion(): number {
    return latestListedVersion(listLog(this.dir));
  }

  snapshot(options: SnapshotOptions = {}): Promise<Snapshot> {
    return loadSnapshot(this.dir, options);
  }

  /** commitInfo of each version, newest first. */
  history(options: { limit?: number } = {}): HistoryEntry[] {
    const listing = listLog(this.dir);
    const earliest = earliestReconstructableVersion(listing);
    const versions = [...listing.commits.keys()].filter((v) => v >= Math.min(earliest, ...listing.commits.keys())).sort((a, b) => b - a);
    const limited = options.limit === undefined ? versions : versions.slice(0, Math.max(0, options.limit));
    return limited.map((version) => {
      const file = path.join(logDir(this.dir), listing.commits.get(version)!);
      const info = readCommit(this.dir, file, version).commitInfo ?? null;
      const timestamp = typeof info?.timestamp === 'number' ? info.timestamp : Math.floor(fs.statSync(file).mtimeMs);
      return {
        version,
        timestamp,
        operation: info?.operation ?? null,
        operationParameters: info?.operationParameters ?? {},
        operationMetrics: info?.operationMetrics ?? {},
        readVersion: typeof info?.readVersion === 'number' ? info.readVersion : null,
        isBlindAppend: typeof info?.isBlindAppend === 'boolean' ? info.isBlindAppend : null,
        engineInfo: info?.engineInfo ?? null,
        commitInfo: info,
      };
    });
  }
}
