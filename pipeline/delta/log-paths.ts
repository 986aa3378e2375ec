/**
 * Names of the files in `_delta_log` (PROTOCOL.md "Delta Log Entries", "Checkpoints"): commits
 * `%020d.json`, classic checkpoints `%020d.checkpoint.parquet`, multi-part checkpoints
 * `%020d.checkpoint.%010d.%010d.parquet`, and the `_last_checkpoint` hint. Anything else in the
 * directory (`.crc` files, `.tmp/`, our own half-written temp files, compacted logs) is ignored.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeltaError } from './errors';

export const LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT = '_last_checkpoint';

export function logDir(tableDir: string): string {
  return path.join(tableDir, LOG_DIR);
}

export function commitFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.json`;
}

export function commitPath(tableDir: string, version: number): string {
  return path.join(logDir(tableDir), commitFileName(version));
}

export function checkpointFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.checkpoint.parquet`;
}

export interface CheckpointFiles {
  version: number;
  /** File names (not paths) of one complete checkpoint, in part order. */
  files: string[];
}

export interface LogListing {
  /** Commit version → file name. */
  commits: Map<number, string>;
  /** Complete checkpoints, newest first. */
  checkpoints: CheckpointFiles[];
  hasLastCheckpoint: boolean;
}

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC_CHECKPOINT = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART_CHECKPOINT = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;

/**
 * Lists `_delta_log` once and groups what a reader can use. Throws NOT_A_TABLE when the directory
 * is missing or holds neither a commit nor a checkpoint.
 */
export function listLog(tableDir: string): LogListing {
  let names: string[];
  try {
    names = fs.readdirSync(logDir(tableDir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DeltaError('NOT_A_TABLE', `${tableDir} is not a Delta table: no ${LOG_DIR} directory`, { table: tableDir });
    }
    throw error;
  }
  const commits = new Map<number, string>();
  const classic = new Map<number, string>();
  // version → part count → part number → file name
  const multi = new Map<number, Map<number, Map<number, string>>>();
  let hasLastCheckpoint = false;
  for (const name of names) {
    let match = COMMIT.exec(name);
    if (match) {
      commits.set(Number(match[1]), name);
      continue;
    }
    match = CLASSIC_CHECKPOINT.exec(name);
    if (match) {
      classic.set(Number(match[1]), name);
      continue;
    }
    match = MULTI_PART_CHECKPOINT.exec(name);
    if (match) {
      const version = Number(match[1]);
      const part = Number(match[2]);
      const parts = Number(match[3]);
      const byCount = multi.get(version) ?? new Map<number, Map<number, string>>();
      const byPart = byCount.get(parts) ?? new Map<number, string>();
      byPart.set(part, name);
      byCount.set(parts, byPart);
      multi.set(version, byCount);
      continue;
    }
    if (name === LAST_CHECKPOINT) hasLastCheckpoint = true;
  }
  const checkpoints: CheckpointFiles[] = [];
  const versions = new Set([...classic.keys(), ...multi.keys()]);
  for (const version of versions) {
    const single = classic.get(version);
    if (single) {
      checkpoints.push({ version, files: [single] });
      continue;
    }
    // A multi-part checkpoint counts only when every part 1..n of one part count is present.
    for (const [parts, byPart] of multi.get(version) ?? []) {
      if (byPart.size === parts && [...byPart.keys()].every((p) => p >= 1 && p <= parts)) {
        checkpoints.push({ version, files: [...byPart.entries()].sort((a, b) => a[0] - b[0]).map(([, name]) => name) });
        break;
      }
    }
  }
  checkpoints.sort((a, b) => b.version - a.version);
  if (commits.size === 0 && checkpoints.length === 0) {
    throw new DeltaError('NOT_A_TABLE', `${tableDir} is not a Delta table: ${LOG_DIR} holds no commit or checkpoint`, { table: tableDir });
  }
  return { commits, checkpoints, hasLastCheckpoint };
}

/** The newest version the listing proves exists (commits, or a checkpoint whose commit was cleaned up). */
export function latestListedVersion(listing: LogListing): number {
  let latest = -1;
  for (const version of listing.commits.keys()) if (version > latest) latest = version;
  if (listing.checkpoints.length > 0 && listing.checkpoints[0].version > latest) latest = listing.checkpoints[0].version;
  return latest;
}
