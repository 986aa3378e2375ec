/**
 * `_delta_log/_last_checkpoint` (PROTOCOL.md "Last Checkpoint File"): a hint naming the newest
 * checkpoint. It may be missing, empty, stale, half-written or use other field spellings, so readers
 * here list the log anyway and use it only to check their choice; writers replace it after each
 * checkpoint (temp file + rename: it is a hint, overwriting it is allowed).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LAST_CHECKPOINT, logDir } from './log-paths';

export interface LastCheckpointHint {
  version: number;
  size?: number;
  parts?: number;
  sizeInBytes?: number;
  numOfAddFiles?: number;
}

/** The hint, or undefined when it is missing or unreadable (never an error). */
export function readLastCheckpoint(tableDir: string): LastCheckpointHint | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(logDir(tableDir), LAST_CHECKPOINT), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value?.version !== 'number' || !Number.isInteger(value.version) || value.version < 0) return undefined;
    return {
      version: value.version,
      size: typeof value.size === 'number' ? value.size : undefined,
      parts: typeof value.parts === 'number' ? value.parts : undefined,
      sizeInBytes: typeof value.sizeInBytes === 'number' ? value.sizeInBytes : typeof value.size_in_bytes === 'number' ? value.size_in_bytes : undefined,
      numOfAddFiles: typeof value.numOfAddFiles === 'number' ? value.numOfAddFiles : undefined,
    };
  } catch {
    return undefined;
  }
}

/** Replaces the hint unless it already names a newer checkpoint. */
export function writeLastCheckpoint(tableDir: string, hint: LastCheckpointHint): void {
  const current = readLastCheckpoint(tableDir);
  if (current && current.version > hint.version) return;
  const target = path.join(logDir(tableDir), LAST_CHECKPOINT);
  const temp = path.join(logDir(tableDir), `.${LAST_CHECKPOINT}.${crypto.randomUUID()}.tmp`);
  fs.writeFileSync(temp, JSON.stringify(hint));
  fs.renameSync(temp, target);
}
