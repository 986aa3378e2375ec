/**
 * Actions of the Delta log (PROTOCOL.md "Actions"): protocol, metaData, add, remove, txn, commitInfo
 * (plus cdc/domainMetadata/etc., which a reader of the current state can skip). A commit file is
 * newline-delimited JSON with one action per line. Paths in add/remove are URIs, relative to the
 * table root unless absolute; they are decoded exactly once (`%2520` in the log is `%20` on disk).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaError } from './errors';

export interface Protocol {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface Format {
  provider: string;
  options: Record<string, string>;
}

export interface Metadata {
  id: string;
  name?: string | null;
  description?: string | null;
  format: Format;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
  createdTime?: number | null;
}

export interface DeletionVector {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number;
  sizeInBytes: number;
  cardinality: number;
}

export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  /** JSON text: numRecords, minValues, maxValues, nullCount. */
  stats?: string | null;
  /** Stats decoded from a checkpoint's `add.stats_parsed` when no JSON stats exist. */
  statsParsed?: Record<string, unknown> | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVector | null;
  baseRowId?: number | null;
  defaultRowCommitVersion?: number | null;
  clusteringProvider?: string | null;
}

export interface RemoveAction {
  path: string;
  deletionTimestamp?: number | null;
  dataChange: boolean;
  extendedFileMetadata?: boolean | null;
  partitionValues?: Record<string, string | null> | null;
  size?: number | null;
  stats?: string | null;
  tags?: Record<string, string> | null;
  deletionVector?: DeletionVector | null;
}

export interface TxnAction {
  appId: string;
  version: number;
  lastUpdated?: number | null;
}

export interface CommitInfo {
  timestamp?: number;
  operation?: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, unknown>;
  readVersion?: number;
  isolationLevel?: string;
  isBlindAppend?: boolean;
  engineInfo?: string;
  txnId?: string;
  [key: string]: unknown;
}

/** One commit (or checkpoint) worth of actions, grouped by kind, in file order within each kind. */
export interface ActionBatch {
  protocol?: Protocol;
  metadata?: Metadata;
  adds: AddAction[];
  removes: RemoveAction[];
  txns: TxnAction[];
  commitInfo?: CommitInfo;
}

/**
 * Whether a commit only rearranged files (compaction, `optimize`): it adds or removes files, all with
 * dataChange=false, and records no txn, metadata or protocol change. The table's rows are the same
 * before and after it.
 */
export function rearrangesFilesOnly(batch: ActionBatch): boolean {
  const files = [...batch.adds, ...batch.removes];
  return files.length > 0 && files.every((f) => f.dataChange === false) && batch.txns.length === 0 && !batch.metadata && !batch.protocol;
}

export function emptyBatch(): ActionBatch {
  return { adds: [], removes: [], txns: [] };
}

/** Adds one parsed JSON action object (`{"add": {...}}`) to a batch; unknown actions are ignored. */
export function collectAction(batch: ActionBatch, action: Record<string, unknown>): void {
  // A checkpoint row has every action column, all but one null, so test each.
  if (action.add) batch.adds.push(action.add as AddAction);
  if (action.remove) batch.removes.push(action.remove as RemoveAction);
  if (action.txn) batch.txns.push(action.txn as TxnAction);
  if (action.metaData) batch.metadata = action.metaData as Metadata;
  if (action.protocol) batch.protocol = action.protocol as Protocol;
  if (action.commitInfo) batch.commitInfo = action.commitInfo as CommitInfo;
}

/** Parses the text of a commit file. Blank lines are allowed; anything unparsable is CORRUPT_LOG. */
export function parseCommit(text: string, tableDir: string, version: number): ActionBatch {
  const batch = emptyBatch();
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch (error) {
      throw new DeltaError('CORRUPT_LOG', `commit ${version} of ${tableDir} has unreadable JSON on line ${lineNumber}: ${(error as Error).message}`, {
        table: tableDir,
        version,
      });
    }
    if (typeof action !== 'object' || action === null || Array.isArray(action)) {
      throw new DeltaError('CORRUPT_LOG', `commit ${version} of ${tableDir} has a line that is not a JSON object (line ${lineNumber})`, { table: tableDir, version });
    }
    collectAction(batch, action as Record<string, unknown>);
  }
  return batch;
}

export function readCommit(tableDir: string, file: string, version: number): ActionBatch {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DeltaError('VERSION_NOT_FOUND', `commit ${version} of ${tableDir} disappeared while reading (was the log cleaned up?)`, { table: tableDir, version });
    }
    throw error;
  }
  return parseCommit(text, tableDir, version);
}

const ABSOLUTE_URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Decodes a log path once and resolves it against the table root; refuses non-local URIs. */
export function resolveDataPath(tableDir: string, logPath: string): string {
  if (ABSOLUTE_URI.test(logPath)) {
    if (logPath.startsWith('file:')) return fileURLToPath(logPath);
    throw new DeltaError('UNSUPPORTED_FEATURE', `data file ${logPath} of ${tableDir} is on a remote file system, which ClickLake does not read`, { table: tableDir });
  }
  return path.join(tableDir, decodeLogPath(logPath));
}

export function decodeLogPath(logPath: string): string {
  if (!logPath.includes('%')) return logPath;
  try {
    return decodeURIComponent(logPath);
  } catch {
    throw new DeltaError('CORRUPT_LOG', `path '${logPath}' in the log is not a valid URI (bad percent-encoding)`);
  }
}

/**
 * Encodes a relative on-disk path as the URI stored in `add.path`: '%' and anything not allowed in
 * a URI path are percent-encoded (so DuckDB's `p=a%20b` directory is written `p=a%2520b`).
 */
export function encodeLogPath(relativePath: string): string {
  return encodeURI(relativePath.split(path.sep).join('/')).replace(/[?#[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
