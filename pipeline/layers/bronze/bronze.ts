/**
 * The bronze stage: every new landing file becomes bronze.events rows (accepted lines, as text, with
 * their origin) and bronze.rejects rows (lines that are not 9-field CSV rows).
 *
 * Idempotency: each landing file has a fingerprint (name, size, SHA-256 of its bytes) used as a Delta
 * `txn` appId on both tables; the txn version is the index of the last piece committed. A file whose
 * txn covers all its pieces is skipped; a run killed half-way resumes at the next piece; a file whose
 * name was ingested with another fingerprint is reported as changed and not ingested again.
 * Commit order per piece: rejects first, then events, so "events committed" implies "rejects committed".
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBTimestampTZValue, type DuckDBConnection, type DuckDBInstance } from '@duckdb/node-api';
import type { AddAction, TxnAction } from '../../delta/actions';
import { DeltaTable } from '../../delta/table';
import type { Snapshot } from '../../delta/snapshot';
import { commit } from '../../delta/transaction';
import { writeDataFiles } from '../../delta/write';
import { PipelineError } from '../../errors';
import { BRONZE_EVENTS_SCHEMA, BRONZE_REJECTS_SCHEMA, TABLES, tableDir } from '../tables';
import { timed } from '../../profile';
import { bronzeEventsSql, bronzeRejectsSql, pieceLinesSql } from './bronze-sql';
import { FingerprintCache } from './fingerprint-cache';
import { fingerprintAppId, fingerprintPrefix, listLandingFiles, stageFile, type LandingFile, type StagedFile } from './landing';

export interface FileOutcome {
  name: string;
  status: 'ingested' | 'skipped' | 'failed';
  /** For failed files: the PipelineError code (wrong_header, empty_file, …). */
  code?: string;
  message?: string;
  lines: number;
  rows: number;
  rejects: number;
  bytes: number;
}

export interface BronzeResult {
  files: FileOutcome[];
  rows: number;
  rejects: number;
  eventsVersion: number;
  rejectsVersion: number;
  bytesWritten: number;
}

export interface BronzeOptions {
  instance: DuckDBInstance;
  landingDir: string;
  lakeDir: string;
  batchId: string;
  ingestedAt: Date;
  log: (line: string) => void;
  /** Called after each piece with cumulative source bytes, for progress bars. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  pieceBytes?: number;
}

async function ensureTable(dir: string, schema: typeof BRONZE_EVENTS_SCHEMA, description: string): Promise<void> {
  if (!DeltaTable.exists(dir)) {
    try {
      await DeltaTable.create(dir, { schema, partitionColumns: [], description });
    } catch (error) {
      // Another process created it first: fine, as long as it is a table now.
      if (!DeltaTable.exists(dir)) throw error;
    }
  }
}

async function latest(dir: string): Promise<Snapshot> {
  return (await DeltaTable.open(dir)).snapshot();
}

/** The other fingerprint under which a file of this name was ingested, if any. */
function previousFingerprint(snapshot: Snapshot, file: LandingFile, appId: string): string | undefined {
  const prefix = fingerprintPrefix(file);
  for (const id of snapshot.replayState.txns.keys()) if (id.startsWith(prefix) && id !== appId) return id;
  return undefined;
}

export async function runBronze(options: BronzeOptions): Promise<BronzeResult> {
  const eventsDir = tableDir(options.lakeDir, TABLES.bronzeEvents);
  const rejectsDir = tableDir(options.lakeDir, TABLES.bronzeRejects);
  await ensureTable(eventsDir, BRONZE_EVENTS_SCHEMA, 'bronze.events: every accepted landing line as text, with its origin');
  await ensureTable(rejectsDir, BRONZE_REJECTS_SCHEMA, 'bronze.rejects: landing lines that are not 9-field CSV rows');
  const stagingDir = path.join(options.lakeDir, '_staging', options.batchId);
  const files = listLandingFiles(options.landingDir);
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const result: BronzeResult = { files: [], rows: 0, rejects: 0, eventsVersion: -1, rejectsVersion: -1, bytesWritten: 0 };
  const connections = [await options.instance.connect(), await options.instance.connect()];
  const cache = new FingerprintCache(path.join(options.lakeDir, '_clicklake', 'landing-fingerprints.json'));
  let doneBytes = 0;
  let next: Promise<{ value: Prepared | undefined; error: unknown }> | undefined;
  try {
    // Node stages (hashes and numbers) the next file while DuckDB ingests the current one.
    const ctx: IngestContext = { ...options, eventsDir, rejectsDir, stagingDir, connections, cache };
    const prepare = (file: LandingFile) => prepareFile(file, ctx).then((value) => ({ value, error: undefined }), (error: unknown) => ({ value: undefined, error }));
    const failed = (file: LandingFile, error: unknown): FileOutcome => {
      if (!(error instanceof PipelineError)) throw error;
      options.log(`bronze: skipped ${file.name}: ${error.message}`);
      return { name: file.name, status: 'failed', code: error.code, message: error.message, lines: 0, rows: 0, rejects: 0, bytes: 0 };
    };
    next = files.length > 0 ? prepare(files[0]) : undefined;
    for (const [i, file] of files.entries()) {
      const prepared = await next!;
      next = i + 1 < files.length ? prepare(files[i + 1]) : undefined;
      const outcome = prepared.error !== undefined ? failed(file, prepared.error) : await ingestFile(file, prepared.value!, ctx).catch((error: unknown) => failed(file, error));
      result.files.push(outcome);
      result.rows += outcome.rows;
      result.rejects += outcome.rejects;
      result.bytesWritten += outcome.bytes;
      doneBytes += file.size;
      options.onProgress?.(doneBytes, totalBytes);
    }
  } finally {
    await next; // a file staged ahead of a failure must finish before its staging folder goes
    for (const conn of connections) conn.closeSync();
    cache.save();
    rmSync(stagingDir, { recursive: true, force: true });
  }
  result.eventsVersion = (await DeltaTable.open(eventsDir)).latestVersion();
  result.rejectsVersion = (await DeltaTable.open(rejectsDir)).latestVersion();
  return result;
}

interface IngestContext extends BronzeOptions {
  eventsDir: string;
  rejectsDir: string;
  stagingDir: string;
  connections: DuckDBConnection[];
  cache: FingerprintCache;
}

type Prepared = { skip: true } | { skip: false; staged: StagedFile };

/** Recognises an unchanged, fully ingested file without reading it; otherwise stages it. */
async function prepareFile(file: LandingFile, ctx: IngestContext): Promise<Prepared> {
  // Unchanged files (same size and mtime as when last hashed) are recognised without reading them.
  const cached = ctx.cache.lookup(file);
  if (cached && isFullyIngested(await latest(ctx.eventsDir), file, cached.hash, cached.pieces)) return { skip: true };
  const staged = await timed(`bronze: hash/stage ${file.name}`, () => stageFile(file, ctx.stagingDir, ctx.pieceBytes));
  ctx.cache.remember(file, staged.contentHash, staged.pieces.length);
  return { skip: false, staged };
}

async function ingestFile(file: LandingFile, prepared: Prepared, ctx: IngestContext): Promise<FileOutcome> {
  const outcome: FileOutcome = { name: file.name, status: 'skipped', lines: 0, rows: 0, rejects: 0, bytes: 0 };
  if (prepared.skip) return outcome;
  const { staged } = prepared;
  const events = await latest(ctx.eventsDir);
  const appId = fingerprintAppId(file, staged.contentHash);
  const previous = previousFingerprint(events, file, appId);
  const done = events.txnVersion(appId) ?? -1;
  if (previous && done < 0) {
    removePieces(staged);
    throw new PipelineError('changed_file', `${file.name} changed since it was ingested (size or content differs); rename it to ingest it as a new file`);
  }
  if (done >= staged.pieces.length - 1) {
    removePieces(staged);
    return outcome;
  }
  const rejectsDone = (await latest(ctx.rejectsDir)).txnVersion(appId) ?? -1;
  // Stage and write two pieces at a time; commit strictly in piece order so the txn version always
  // means "every piece up to here is in".
  let committing: Promise<void> = Promise.resolve();
  const queue = staged.pieces.map((piece, index) => ({ piece, index })).filter(({ index }) => index > done);
  const worker = async (conn: DuckDBConnection) => {
    while (queue.length > 0) {
      const { piece, index } = queue.shift()!;
      const params = { source_file: file.name, batch_id: ctx.batchId, ingested_at: new DuckDBTimestampTZValue(BigInt(ctx.ingestedAt.getTime()) * 1000n) };
      const lines = pieceLinesSql({ path: piece.path, delimiter: staged.delimiter });
      // Two streaming reads of the piece (rejects are few) instead of materialising it.
      const rejects = index > rejectsDone ? await timed(`bronze: rejects ${file.name}#${index}`, () => writeDataFiles(conn, { tableDir: ctx.rejectsDir, query: bronzeRejectsSql(lines), params, partitionColumns: [], schema: BRONZE_REJECTS_SCHEMA })) : undefined;
      const rows = await timed(`bronze: write events ${file.name}#${index}`, () => writeDataFiles(conn, { tableDir: ctx.eventsDir, query: bronzeEventsSql(lines), params, partitionColumns: [], schema: BRONZE_EVENTS_SCHEMA }));
      if (piece.temporary) rmSync(piece.path, { force: true });
      const previousCommit = committing;
      committing = (async () => {
        await previousCommit;
        const txns = [{ appId, version: index, lastUpdated: Date.now() }];
        const parameters = { file: file.name, piece: index, pieces: staged.pieces.length, fingerprint: staged.contentHash, batchId: ctx.batchId };
        if (rejects && rejects.numOutputRows > 0) {
          await commitOrFail(ctx.rejectsDir, { adds: rejects.adds, txns }, parameters, rejects.numOutputRows, rejects.numOutputBytes);
        }
        await timed(`bronze: commit ${file.name}#${index}`, () => commitOrFail(ctx.eventsDir, { adds: rows.adds, txns }, parameters, rows.numOutputRows, rows.numOutputBytes));
        outcome.rows += rows.numOutputRows;
        outcome.rejects += rejects?.numOutputRows ?? 0;
        outcome.bytes += rows.numOutputBytes + (rejects?.numOutputBytes ?? 0);
      })();
      await committing;
    }
  };
  await Promise.all(ctx.connections.map((conn) => worker(conn)));
  await committing;
  outcome.status = 'ingested';
  outcome.lines = outcome.rows + outcome.rejects;
  ctx.log(`bronze: ${file.name}: ${outcome.rows.toLocaleString('en-US')} rows, ${outcome.rejects.toLocaleString('en-US')} rejected lines`);
  return outcome;
}

async function commitOrFail(
  dir: string,
  actions: { adds: AddAction[]; txns: TxnAction[] },
  parameters: Record<string, unknown>,
  rows: number,
  bytes: number,
): Promise<void> {
  const snapshotVersion = (await DeltaTable.open(dir)).latestVersion();
  const result = await commit(dir, {
    operation: 'WRITE',
    operationParameters: { mode: 'Append', ...parameters },
    operationMetrics: { numFiles: actions.adds.length, numOutputRows: rows, numOutputBytes: bytes },
    readVersion: snapshotVersion,
    actions,
    isBlindAppend: true,
  });
  if (result.status !== 'committed') throw new PipelineError('stage_failed', `bronze commit to ${dir} failed: ${result.reason}`);
}

function isFullyIngested(events: Snapshot, file: LandingFile, hash: string, pieces: number): boolean {
  return (events.txnVersion(fingerprintAppId(file, hash)) ?? -1) >= pieces - 1;
}

function removePieces(staged: StagedFile): void {
  for (const piece of staged.pieces) if (piece.temporary) rmSync(piece.path, { force: true });
}
