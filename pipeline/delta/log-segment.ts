/**
 * The log segment of a version (PROTOCOL.md "Action Reconciliation", "Checkpoints"): the newest
 * complete checkpoint at or before it plus the contiguous commits after that checkpoint up to it.
 * The segment is chosen from a directory listing; `_last_checkpoint` is only a hint. Also resolves
 * timestamps to versions from commit-file modification times, as Spark does without in-commit
 * timestamps: the latest version whose (monotonised) time is at or before the timestamp.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DeltaError } from './errors';
import type { CheckpointFiles, LogListing } from './log-paths';
import { latestListedVersion, logDir } from './log-paths';

export interface LogSegment {
  tableDir: string;
  version: number;
  checkpoint?: CheckpointFiles;
  /** Commits after the checkpoint (or from 0), ascending, ending at `version`. */
  commits: { version: number; file: string }[];
}

export function buildLogSegment(tableDir: string, listing: LogListing, target?: number, skipCheckpoints: ReadonlySet<number> = new Set()): LogSegment {
  const latest = latestListedVersion(listing);
  const version = target ?? latest;
  const where = logDir(tableDir);
  if (!Number.isInteger(version) || version < 0) {
    throw new DeltaError('INVALID_ARGUMENT', `version must be a whole number ≥ 0, got ${version}`, { table: tableDir });
  }
  if (version > latest) {
    throw new DeltaError('VERSION_NOT_FOUND', `version ${version} of ${tableDir} does not exist: the latest version is ${latest}`, { table: tableDir, version });
  }
  const checkpoint = listing.checkpoints.find((c) => c.version <= version && !skipCheckpoints.has(c.version));
  const start = checkpoint ? checkpoint.version + 1 : 0;
  if (!checkpoint && !listing.commits.has(0)) {
    const earliest = Math.min(...listing.commits.keys(), ...listing.checkpoints.map((c) => c.version));
    throw new DeltaError(
      'VERSION_NOT_FOUND',
      `version ${version} of ${tableDir} cannot be reconstructed: ${where} starts at version ${earliest} with no checkpoint at or before ${version}`,
      { table: tableDir, version },
    );
  }
  const commits: { version: number; file: string }[] = [];
  let previous = checkpoint ? checkpoint.version : -1;
  for (let v = start; v <= version; v++) {
    const name = listing.commits.get(v);
    if (name === undefined) {
      let next = v + 1;
      while (next <= latest && !listing.commits.has(next)) next++;
      const after = next <= latest ? `${next}` : 'nothing';
      throw new DeltaError('VERSION_GAP', `versions ${previous} and ${after} are not contiguous in ${where}: commit ${v} is missing`, { table: tableDir, version: v });
    }
    commits.push({ version: v, file: path.join(where, name) });
    previous = v;
  }
  return { tableDir, version, checkpoint, commits };
}

/** The earliest version whose state can be rebuilt (oldest checkpoint, or 0). */
export function earliestReconstructableVersion(listing: LogListing): number {
  if (listing.commits.has(0)) return 0;
  const oldest = listing.checkpoints.at(-1);
  return oldest ? oldest.version : Math.min(...listing.commits.keys());
}

export interface CommitTime {
  version: number;
  timestamp: number;
}

/**
 * Commit times (ms) of every reconstructable commit, ascending, each at least 1 ms after the one
 * before (Spark's rule for clocks that went backwards or files copied with new mtimes).
 */
export function commitTimes(tableDir: string, listing: LogListing): CommitTime[] {
  const earliest = earliestReconstructableVersion(listing);
  const versions = [...listing.commits.keys()].filter((v) => v >= earliest).sort((a, b) => a - b);
  const times: CommitTime[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const version of versions) {
    let timestamp = fs.statSync(path.join(logDir(tableDir), listing.commits.get(version)!)).mtimeMs;
    timestamp = Math.floor(timestamp);
    if (timestamp <= last) timestamp = last + 1;
    times.push({ version, timestamp });
    last = timestamp;
  }
  return times;
}

export function versionAtTimestamp(tableDir: string, listing: LogListing, timestampMs: number): number {
  const times = commitTimes(tableDir, listing);
  let found: number | undefined;
  for (const t of times) {
    if (t.timestamp <= timestampMs) found = t.version;
    else break;
  }
  if (found === undefined) {
    const first = times[0];
    const detail = first ? `the earliest available commit is version ${first.version} at ${new Date(first.timestamp).toISOString()}` : 'the log has no commits';
    throw new DeltaError('TIMESTAMP_NOT_FOUND', `${tableDir} has no version at or before ${new Date(timestampMs).toISOString()}: ${detail}`, { table: tableDir });
  }
  return found;
}
