/**
 * Committing (PROTOCOL.md "Delta Log Entries", "Optimistic concurrency"): a commit is the file
 * `%020d.json` for the next version, created put-if-absent by writing a temp file and `link()`-ing
 * it to its name (link fails with EEXIST if another writer got there first; rename would silently
 * replace theirs). On losing, we read the winner's actions and decide whether ours still holds:
 * blind appends never conflict; anything conflicts with a metaData/protocol change or with a txn of
 * the same appId; a transaction that read some partitions (replaceWhere) conflicts only with winners
 * that touched those partitions; one that read everything conflicts with any data change; removing a
 * file someone else removed always conflicts. Every `delta.checkpointInterval` versions (default 10)
 * a checkpoint follows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ActionBatch, AddAction, CommitInfo, Metadata, Protocol, RemoveAction, TxnAction } from './actions';
import { decodeLogPath, readCommit } from './actions';
import { writeCheckpoint } from './checkpoint';
import { DeltaError } from './errors';
import { commitFileName, commitPath, logDir } from './log-paths';
import { loadSnapshot } from './snapshot';

export const ENGINE_INFO = 'ClickLake-delta/0.1.0';

export interface CommitActions {
  adds?: AddAction[];
  removes?: RemoveAction[];
  txns?: TxnAction[];
  metadata?: Metadata;
  protocol?: Protocol;
}

/** What the transaction read, for conflict detection. */
export type ReadScope =
  | { kind: 'none' }
  | { kind: 'all' }
  | { kind: 'partitions'; partitions: Array<Record<string, string | null>> }
  /** Compaction: depends only on the files it removes still being there. */
  | { kind: 'files' };

export interface CommitRequest {
  operation: string;
  operationParameters?: Record<string, unknown>;
  operationMetrics?: Record<string, number | string>;
  /** The version the transaction read; -1 when creating the table. */
  readVersion: number;
  actions: CommitActions;
  /** Only adds, read nothing. Defaults to: no removes, no metaData/protocol, read scope none. */
  isBlindAppend?: boolean;
  readScope?: ReadScope;
  /** Checkpoint every N versions; defaults to the configuration in the committed or latest metaData, else 10. */
  checkpointInterval?: number;
  /** Give up after this many lost races (default 10,000: each loss means someone else progressed). */
  maxAttempts?: number;
  userMetadata?: string;
}

export type CommitResult =
  | { status: 'committed'; version: number; attempts: number; checkpointed: boolean }
  | { status: 'conflict'; version: number; reason: string; kind: 'metadata' | 'txn' | 'files' | 'partitions' | 'exists' };

type Conflict = { reason: string; kind: 'metadata' | 'txn' | 'files' | 'partitions' };

function partitionMatches(values: Record<string, string | null> | null | undefined, partition: Record<string, string | null>): boolean {
  return Object.entries(partition).every(([column, value]) => (values?.[column] ?? null) === value);
}

/** Whether `request` can still be committed on top of the winner's actions. */
export function findConflict(request: CommitRequest, winner: ActionBatch, winnerVersion: number, blind: boolean): Conflict | undefined {
  if (winner.metadata || winner.protocol) {
    return { kind: 'metadata', reason: `version ${winnerVersion} changed the table's ${winner.metadata ? 'metaData' : 'protocol'}` };
  }
  const ourApps = new Set((request.actions.txns ?? []).map((t) => t.appId));
  const theirTxn = winner.txns.find((t) => ourApps.has(t.appId));
  if (theirTxn) return { kind: 'txn', reason: `version ${winnerVersion} committed transaction ${theirTxn.version} of app '${theirTxn.appId}'` };
  if (blind) return undefined;
  const ourRemoves = new Set((request.actions.removes ?? []).map((r) => decodeLogPath(r.path)));
  const removedTwice = winner.removes.find((r) => ourRemoves.has(decodeLogPath(r.path)));
  if (removedTwice) return { kind: 'files', reason: `version ${winnerVersion} already removed ${removedTwice.path}` };
  const scope = request.readScope ?? { kind: 'none' };
  if (scope.kind === 'all') {
    const touched = [...winner.adds, ...winner.removes].find((a) => a.dataChange);
    if (touched) return { kind: 'partitions', reason: `version ${winnerVersion} changed data (${touched.path}) that this transaction read` };
  } else if (scope.kind === 'partitions') {
    // Added files count even without dataChange: a compacted file in our partitions would survive our replace.
    const touched = [...winner.adds, ...winner.removes.filter((r) => r.dataChange)].find((a) => scope.partitions.some((p) => partitionMatches(a.partitionValues, p)));
    if (touched) return { kind: 'partitions', reason: `version ${winnerVersion} touched partition of ${touched.path}, which this transaction replaces` };
  }
  return undefined;
}

function stringifyParameters(parameters: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parameters ?? {})) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

function commitContent(request: CommitRequest, blind: boolean): string {
  const { actions } = request;
  const metrics: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.operationMetrics ?? {})) metrics[key] = String(value);
  const commitInfo: CommitInfo = {
    timestamp: Date.now(),
    operation: request.operation,
    operationParameters: stringifyParameters(request.operationParameters),
    ...(request.readVersion >= 0 ? { readVersion: request.readVersion } : {}),
    isolationLevel: 'Serializable',
    isBlindAppend: blind,
    operationMetrics: metrics,
    engineInfo: ENGINE_INFO,
    txnId: crypto.randomUUID(),
    ...(request.userMetadata ? { userMetadata: request.userMetadata } : {}),
  };
  const lines: string[] = [JSON.stringify({ commitInfo })];
  if (actions.protocol) lines.push(JSON.stringify({ protocol: actions.protocol }));
  if (actions.metadata) lines.push(JSON.stringify({ metaData: actions.metadata }));
  for (const txn of actions.txns ?? []) lines.push(JSON.stringify({ txn }));
  for (const remove of actions.removes ?? []) lines.push(JSON.stringify({ remove }));
  for (const add of actions.adds ?? []) lines.push(JSON.stringify({ add }));
  return lines.join('\n') + '\n';
}

function writeDurably(file: string, content: string): void {
  const fd = fs.openSync(file, 'wx');
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Commits the actions at the next free version; conflicts come back as values, not exceptions. */
export async function commit(table: string | { dir: string }, request: CommitRequest): Promise<CommitResult> {
  const tableDir = path.resolve(typeof table === 'string' ? table : table.dir);
  const blind =
    request.isBlindAppend ??
    ((request.actions.removes ?? []).length === 0 && !request.actions.metadata && !request.actions.protocol && (request.readScope ?? { kind: 'none' }).kind === 'none');
  if (request.readVersion < 0 && (!request.actions.metadata || !request.actions.protocol)) {
    throw new DeltaError('INVALID_ARGUMENT', `creating ${tableDir} needs protocol and metaData actions`, { table: tableDir });
  }
  fs.mkdirSync(logDir(tableDir), { recursive: true });
  const temp = path.join(logDir(tableDir), `.${crypto.randomUUID()}.json.tmp`);
  writeDurably(temp, commitContent(request, blind));
  const maxAttempts = request.maxAttempts ?? 10_000;
  let version = request.readVersion + 1;
  try {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        fs.linkSync(temp, commitPath(tableDir, version));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (request.readVersion < 0) {
          return { status: 'conflict', version, kind: 'exists', reason: `${tableDir} was created concurrently (version ${version} exists)` };
        }
        const winner = readCommit(tableDir, commitPath(tableDir, version), version);
        const conflict = findConflict(request, winner, version, blind);
        if (conflict) return { status: 'conflict', version, ...conflict };
        version++;
        continue;
      }
      const checkpointed = await maybeCheckpoint(tableDir, version, request);
      return { status: 'committed', version, attempts: attempt, checkpointed };
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
  throw new DeltaError('CONCURRENT_MODIFICATION', `gave up committing to ${tableDir} after ${maxAttempts} lost races (last tried ${commitFileName(version)})`, {
    table: tableDir,
    version,
  });
}

/** Writes the checkpoint when `version` is a multiple of the interval; failures never undo the commit. */
async function maybeCheckpoint(tableDir: string, version: number, request: CommitRequest): Promise<boolean> {
  const configured = request.checkpointInterval ?? Number(request.actions.metadata?.configuration?.['delta.checkpointInterval'] ?? NaN);
  if (version === 0) return false;
  // Without a configured interval we only know the default; a snapshot tells us the real one.
  if (Number.isFinite(configured) && configured > 0 && version % configured !== 0) return false;
  try {
    const snapshot = await loadSnapshot(tableDir, { version });
    const interval = Number.isFinite(configured) && configured > 0 ? configured : Number(snapshot.configuration['delta.checkpointInterval'] ?? 10);
    if (!(interval > 0) || version % interval !== 0) return false;
    await writeCheckpoint(tableDir, version, snapshot.replayState);
    return true;
  } catch (error) {
    if (process.env.CLICKLAKE_DEBUG) process.stderr.write(`checkpoint ${version} of ${tableDir} failed: ${(error as Error).message}\n`);
    return false;
  }
}
