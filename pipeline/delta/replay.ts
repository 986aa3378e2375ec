/**
 * Log replay (PROTOCOL.md "Action Reconciliation"): start from the checkpoint's actions, then apply
 * each commit in order. The newest protocol and metaData win; per data file path the newest action
 * wins (an add after a remove re-adds the file, a remove drops it and leaves a tombstone that
 * vacuum honours); per appId the newest txn wins. Files are keyed by their decoded path so two
 * spellings of one URI are one file.
 */
import type { ActionBatch, AddAction, Metadata, Protocol, RemoveAction, TxnAction } from './actions';
import { decodeLogPath, readCommit } from './actions';
import { readCheckpoint } from './checkpoint';
import { DeltaError } from './errors';
import type { LogSegment } from './log-segment';

export interface ReplayState {
  protocol?: Protocol;
  metadata?: Metadata;
  files: Map<string, AddAction>;
  tombstones: Map<string, RemoveAction>;
  txns: Map<string, TxnAction>;
  /** commitInfo of the last commit replayed (undefined when the version came from a checkpoint). */
  lastCommitInfo?: ActionBatch['commitInfo'];
}

export function emptyState(): ReplayState {
  return { files: new Map(), tombstones: new Map(), txns: new Map() };
}

export function applyBatch(state: ReplayState, batch: ActionBatch): void {
  if (batch.protocol) state.protocol = batch.protocol;
  if (batch.metadata) state.metadata = batch.metadata;
  for (const txn of batch.txns) state.txns.set(txn.appId, txn);
  for (const remove of batch.removes) {
    const key = decodeLogPath(remove.path);
    state.files.delete(key);
    state.tombstones.set(key, remove);
  }
  for (const add of batch.adds) {
    const key = decodeLogPath(add.path);
    state.files.set(key, add);
    state.tombstones.delete(key);
  }
  state.lastCommitInfo = batch.commitInfo;
}

/** Replays a segment into a state; verifies protocol and metaData were found. */
export async function replaySegment(segment: LogSegment): Promise<ReplayState> {
  const state = emptyState();
  if (segment.checkpoint) {
    const batch = await readCheckpoint(segment.tableDir, segment.checkpoint.version, segment.checkpoint.files);
    applyBatch(state, batch);
    state.lastCommitInfo = undefined;
  }
  for (const commit of segment.commits) applyBatch(state, readCommit(segment.tableDir, commit.file, commit.version));
  const where = { table: segment.tableDir, version: segment.version };
  if (!state.protocol) {
    throw new DeltaError('MISSING_PROTOCOL', `${segment.tableDir} at version ${segment.version} has no protocol action in its log`, where);
  }
  if (!state.metadata) {
    throw new DeltaError('MISSING_METADATA', `${segment.tableDir} at version ${segment.version} has no metaData action in its log`, where);
  }
  return state;
}
