/**
 * A snapshot: the state of a table at one version (PROTOCOL.md "Action Reconciliation"), i.e. its
 * protocol, metaData, active data files and app transaction versions. Loading lists `_delta_log`,
 * picks the log segment, replays it and checks that we can read what it says. A corrupt checkpoint
 * is skipped in favour of an older one (or the commits from 0) before giving up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddAction, Metadata, Protocol, RemoveAction } from './actions';
import { resolveDataPath } from './actions';
import { DeltaError, isDeltaError } from './errors';
import { listLog, logDir, type LogListing } from './log-paths';
import { buildLogSegment, versionAtTimestamp } from './log-segment';
import { assertReadable } from './protocol';
import type { ReplayState } from './replay';
import { replaySegment } from './replay';
import type { StructField, StructType } from './schema';
import { parseSchemaString } from './schema';
import type { Predicate } from './skipping';
import { compileSkipping } from './skipping';
import type { FileStats } from './stats';
import { normalizeParsedStats, parseStats } from './stats';

/** An active data file of a snapshot. Stats are parsed on first access. */
export class AddFile {
  readonly path: string;
  readonly partitionValues: Record<string, string | null>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  readonly tags?: Record<string, string> | null;
  #stats: FileStats | undefined | null = null;
  #absolutePath: string | undefined;

  constructor(
    private readonly tableDir: string,
    readonly action: AddAction,
    private readonly schema: StructType,
    partitionColumns: readonly string[],
  ) {
    this.path = action.path;
    const values: Record<string, string | null> = {};
    // A partition column missing from partitionValues is null.
    for (const column of partitionColumns) values[column] = action.partitionValues?.[column] ?? null;
    this.partitionValues = values;
    this.size = Number(action.size);
    this.modificationTime = Number(action.modificationTime);
    this.dataChange = action.dataChange;
    this.tags = action.tags;
  }

  /** The data file on disk: the log path decoded once, resolved against the table directory. */
  get absolutePath(): string {
    this.#absolutePath ??= resolveDataPath(this.tableDir, this.action.path);
    return this.#absolutePath;
  }

  get stats(): FileStats | undefined {
    if (this.#stats === null) {
      this.#stats = parseStats(this.action.stats) ?? (this.action.statsParsed ? normalizeParsedStats(this.action.statsParsed, this.schema) : undefined);
    }
    return this.#stats;
  }

  get numRecords(): number | undefined {
    const n = this.stats?.numRecords;
    return typeof n === 'number' ? n : undefined;
  }
}

export interface PruneResult {
  files: AddFile[];
  skippedFiles: number;
  skippedBytes: number;
}

export class Snapshot {
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  readonly schema: StructType;
  readonly partitionColumns: string[];
  readonly configuration: Record<string, string>;
  #files: AddFile[] | undefined;

  constructor(
    readonly tableDir: string,
    readonly version: number,
    /** Commit time of this version in ms (commit file modification time). */
    readonly timestamp: number,
    private readonly state: ReplayState,
  ) {
    this.protocol = state.protocol!;
    this.metadata = state.metadata!;
    this.schema = parseSchemaString(this.metadata.schemaString);
    this.partitionColumns = [...(this.metadata.partitionColumns ?? [])];
    this.configuration = { ...(this.metadata.configuration ?? {}) };
    for (const column of this.partitionColumns) {
      if (!this.schema.fields.some((f) => f.name === column)) {
        throw new DeltaError('CORRUPT_LOG', `partition column '${column}' of ${tableDir} is not in its schema`, { table: tableDir, version });
      }
    }
  }

  get files(): AddFile[] {
    this.#files ??= [...this.state.files.values()].map((add) => new AddFile(this.tableDir, add, this.schema, this.partitionColumns));
    return this.#files;
  }

  get numFiles(): number {
    return this.state.files.size;
  }

  /** Partition columns as schema fields, in partitioning order. */
  get partitionFields(): StructField[] {
    return this.partitionColumns.map((c) => this.schema.fields.find((f) => f.name === c)!);
  }

  /** Files removed and not re-added, still remembered by the log (for vacuum). */
  get tombstones(): RemoveAction[] {
    return [...this.state.tombstones.values()];
  }

  /** Raw active add actions keyed by decoded path (for writers building removes). */
  get addActions(): ReadonlyMap<string, AddAction> {
    return this.state.files;
  }

  get replayState(): ReplayState {
    return this.state;
  }

  txnVersion(appId: string): number | undefined {
    const txn = this.state.txns.get(appId);
    return txn === undefined ? undefined : Number(txn.version);
  }

  /** Sum of numRecords over files; null when any file lacks stats. */
  get numRecords(): number | null {
    let total = 0;
    for (const file of this.files) {
      const n = file.numRecords;
      if (n === undefined) return null;
      total += n;
    }
    return total;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const add of this.state.files.values()) total += Number(add.size);
    return total;
  }

  prune(predicate: Predicate | undefined): PruneResult {
    if (!predicate) return { files: this.files, skippedFiles: 0, skippedBytes: 0 };
    const mayMatch = compileSkipping(predicate, this.schema, this.partitionColumns);
    const files: AddFile[] = [];
    let skippedFiles = 0;
    let skippedBytes = 0;
    for (const file of this.files) {
      if (mayMatch(file)) files.push(file);
      else {
        skippedFiles++;
        skippedBytes += file.size;
      }
    }
    return { files, skippedFiles, skippedBytes };
  }
}

export interface SnapshotOptions {
  version?: number;
  /** Epoch ms, or a Date. */
  timestamp?: number | Date;
}

function versionTimestamp(tableDir: string, listing: LogListing, version: number): number {
  const name = listing.commits.get(version) ?? listing.checkpoints.find((c) => c.version === version)?.files[0];
  return name ? Math.floor(fs.statSync(path.join(logDir(tableDir), name)).mtimeMs) : 0;
}

export async function loadSnapshot(tableDir: string, options: SnapshotOptions = {}): Promise<Snapshot> {
  const dir = path.resolve(tableDir);
  if (options.version !== undefined && options.timestamp !== undefined) {
    throw new DeltaError('INVALID_ARGUMENT', 'give a version or a timestamp, not both', { table: dir });
  }
  const listing = listLog(dir);
  let version = options.version;
  if (options.timestamp !== undefined) {
    const ms = options.timestamp instanceof Date ? options.timestamp.getTime() : options.timestamp;
    if (!Number.isFinite(ms)) throw new DeltaError('INVALID_ARGUMENT', `timestamp ${String(options.timestamp)} is not a valid time`, { table: dir });
    version = versionAtTimestamp(dir, listing, ms);
  }
  const skipped = new Set<number>();
  for (;;) {
    const segment = buildLogSegment(dir, listing, version, skipped);
    let state: ReplayState;
    try {
      state = await replaySegment(segment);
    } catch (error) {
      // A checkpoint we cannot read is as good as absent: fall back to an older one.
      if (isDeltaError(error, 'CORRUPT_CHECKPOINT') && segment.checkpoint) {
        skipped.add(segment.checkpoint.version);
        continue;
      }
      throw error;
    }
    assertReadable(state.protocol!, state.metadata, dir, segment.version);
    for (const add of state.files.values()) {
      if (add.deletionVector) {
        throw new DeltaError('UNSUPPORTED_FEATURE', `${dir} at version ${segment.version} has deletion vectors (file ${add.path}), which ClickLake does not support`, {
          table: dir,
          version: segment.version,
        });
      }
    }
    return new Snapshot(dir, segment.version, versionTimestamp(dir, listing, segment.version), state);
  }
}
