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
import { writeDataFiles, type WrittenFiles } from '../../delta/write';
import { PipelineError } from '../../errors';
import { BRONZE_EVENTS_SCHEMA, BRONZE_REJECTS_SCHEMA, TABLES, tableDir } from '../tables';
import { timed } from '../../profile';
import { bronzeEventsSql, bronzeRejectsSql, cleanEventsSql, pieceLinesSql } from './bronze-sql';
import { FingerprintCache } from './fingerprint-cache';
import { fingerprintAppId, fingerprintPrefix, listLandingFiles, removePieces, stageFile, type LandingFile, type Piece, type StageOptions, type StagedFile } from './landing';

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
  /** Plain files up to this size are read in place (default 1 GiB). */
  directMaxBytes?: number;
  /** Stage every file numbered (tests compare the paths). */
  forceNumbered?: boolean;
  /** A plain file at least this big, alone in its run, is read as two ranges of lines side by side (default 32 MiB). */
  splitMinBytes?: number;
}

/** Bronze is all text and written once per run: LZ4 and no string dictionaries write it ~2× faster than zstd. */
const BRONZE_WRITE = { parquet: { compression: 'lz4', stringDictionary: false } } as const;

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
  // One snapshot tells which files are known to be in (a snapshot per file cost ~10 ms each); a file
  // ingested meanwhile by another process is recognised by the fresh check after staging.
  const known = await latest(eventsDir);
  const progress = new BronzeProgress(totalBytes, options.onProgress);
  const ctx: IngestContext = { ...options, eventsDir, rejectsDir, stagingDir, cache, known, lone: loneFile(files, cache, known), progress };
  // Node reads and stages files one after the other while two DuckDB connections ingest their pieces:
  // files (and pieces of big files) are written side by side; each file commits its pieces in order.
  const queue = new WorkQueue<Work>(2);
  const pending: Promise<FileOutcome>[] = [];
  const finish = (outcome: FileOutcome, file: LandingFile) => {
    ctx.progress.finished(file);
    return outcome;
  };
  const produce = async () => {
    try {
      for (const file of files) {
        const ingest = await planFile(file, ctx).catch((error: unknown) => failed(file, error, options.log));
        if (!(ingest instanceof FileIngest)) {
          pending.push(Promise.resolve(finish(ingest, file)));
          continue;
        }
        pending.push(ingest.done.then((outcome) => finish(outcome, file)));
        for (const work of ingest.works()) await queue.push(work);
      }
    } finally {
      queue.close();
    }
  };
  const consume = async (conn: DuckDBConnection) => {
    for (let work = await queue.pull(); work; work = await queue.pull()) await work.ingest.run(work, conn);
  };
  try {
    await Promise.all([produce(), ...connections.map(consume)]);
    for (const outcome of await Promise.all(pending)) {
      result.files.push(outcome);
      result.rows += outcome.rows;
      result.rejects += outcome.rejects;
      result.bytesWritten += outcome.bytes;
    }
  } finally {
    await Promise.allSettled(pending);
    for (const conn of connections) conn.closeSync();
    cache.save();
    rmSync(stagingDir, { recursive: true, force: true });
  }
  result.eventsVersion = (await DeltaTable.open(eventsDir)).latestVersion();
  result.rejectsVersion = (await DeltaTable.open(rejectsDir)).latestVersion();
  return result;
}

function failed(file: LandingFile, error: unknown, log: (line: string) => void): FileOutcome {
  if (!(error instanceof PipelineError)) throw error;
  log(`bronze: skipped ${file.name}: ${error.message}`);
  return { name: file.name, status: 'failed', code: error.code, message: error.message, lines: 0, rows: 0, rejects: 0, bytes: 0 };
}

interface IngestContext extends BronzeOptions {
  eventsDir: string;
  rejectsDir: string;
  stagingDir: string;
  cache: FingerprintCache;
  /** bronze.events when the run started. */
  known: Snapshot;
  /** The one file of the run not known to be in already (a day's append), if there is exactly one. */
  lone: LandingFile | undefined;
  progress: BronzeProgress;
}

/**
 * Bronze's progress in landing bytes, so a run of one big file moves too: half of a file's size
 * counts as Node reads it (hash and staging), the other half as its lines commit. Starts at 0 when
 * the stage starts, so its elapsed time and rate are the stage's.
 */
class BronzeProgress {
  private readonly read = new Map<LandingFile, number>();
  private readonly committed = new Map<LandingFile, number>();
  /** The amount last reported: each is reported once (a listener may close its bar at the total). */
  private reported = -1;

  constructor(
    private readonly total: number,
    private readonly report: BronzeOptions['onProgress'],
  ) {
    this.emit();
  }

  /** A pass over the file has read `bytes` of it (a second pass does not go back). */
  reading(file: LandingFile, bytes: number): void {
    this.read.set(file, Math.max(this.read.get(file) ?? 0, Math.min(bytes, file.size)));
    this.emit();
  }

  /** Lines up to this share of the file are committed. */
  committing(file: LandingFile, share: number): void {
    this.committed.set(file, Math.max(this.committed.get(file) ?? 0, Math.min(share, 1)));
    this.emit();
  }

  /** Done with the file: ingested, already in, or skipped. */
  finished(file: LandingFile): void {
    this.read.set(file, file.size);
    this.committed.set(file, 1);
    this.emit();
  }

  private emit(): void {
    // Nothing to ingest (an empty landing directory): no progress at all.
    if (!this.report || this.total === 0) return;
    let done = 0;
    for (const [file, bytes] of this.read) done += bytes / 2 + ((this.committed.get(file) ?? 0) * file.size) / 2;
    done = Math.min(done, this.total);
    if (done === this.reported) return;
    this.reported = done;
    this.report(done, this.total);
  }
}

/** Below this size, reading a file as two ranges gains less than the second read's start costs. */
const SPLIT_MIN_BYTES = 32 << 20;

/** Whether the fingerprint cache shows the file fully ingested in `events`, without reading it. */
function knownIngested(file: LandingFile, cache: FingerprintCache, events: Snapshot): boolean {
  const cached = cache.lookup(file);
  return cached?.lines !== undefined && (events.txnVersion(fingerprintAppId(file, cached.hash)) ?? -1) >= cached.lines;
}

/** The only landing file not known to be fully ingested, if exactly one. */
function loneFile(files: LandingFile[], cache: FingerprintCache, events: Snapshot): LandingFile | undefined {
  const unknown = files.filter((file) => !knownIngested(file, cache, events));
  return unknown.length === 1 ? unknown[0] : undefined;
}

/**
 * How a file is staged. A clean file is read where it lies by one streaming reader (its line numbers
 * are row positions), files side by side; a run with one big file (a day's append) would leave the
 * second connection idle, so that file is read as two ranges of lines.
 */
function stageOptions(file: LandingFile, ctx: IngestContext): StageOptions {
  return {
    pieceBytes: ctx.pieceBytes,
    directMaxBytes: ctx.directMaxBytes,
    forceNumbered: ctx.forceNumbered,
    halves: file === ctx.lone && file.size >= (ctx.splitMinBytes ?? SPLIT_MIN_BYTES),
    onRead: (bytes) => ctx.progress.reading(file, bytes),
  };
}

interface Work {
  ingest: FileIngest;
  piece: Piece;
}

/** A bounded queue between the staging producer and the DuckDB workers. */
class WorkQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: Array<(item: T | undefined) => void> = [];
  private readonly space: Array<() => void> = [];
  private closed = false;

  constructor(private readonly capacity: number) {}

  async push(item: T): Promise<void> {
    const taker = this.takers.shift();
    if (taker) return taker(item);
    while (this.items.length >= this.capacity) await new Promise<void>((resolve) => this.space.push(resolve));
    this.items.push(item);
  }

  pull(): Promise<T | undefined> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.space.shift()?.();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const taker of this.takers.splice(0)) taker(undefined);
  }
}

/**
 * Recognises an unchanged, fully ingested file without reading it; otherwise stages it and returns
 * what is left to ingest. The txn version of a file is the number of the last source line committed,
 * so a resumed file skips exactly the lines already in, however it is staged this time.
 */
async function planFile(file: LandingFile, ctx: IngestContext): Promise<FileIngest | FileOutcome> {
  const skipped: FileOutcome = { name: file.name, status: 'skipped', lines: 0, rows: 0, rejects: 0, bytes: 0 };
  if (knownIngested(file, ctx.cache, ctx.known)) return skipped;
  const staged = await timed(`bronze: hash/stage ${file.name}`, () => stageFile(file, ctx.stagingDir, stageOptions(file, ctx)));
  const events = await latest(ctx.eventsDir);
  const appId = fingerprintAppId(file, staged.contentHash);
  const done = events.txnVersion(appId) ?? -1;
  if (previousFingerprint(events, file, appId) && done < 0) {
    removePieces(staged.pieces);
    throw new PipelineError('changed_file', `${file.name} changed since it was ingested (size or content differs); rename it to ingest it as a new file`);
  }
  // A file read in place has no line numbers yet; the same content ingested before (then touched or
  // copied) has its last line in the cache, so a file fully in is skipped without being read again.
  const lastLine = staged.pieces.at(-1)?.lastLine ?? ctx.cache.linesOf(file, staged.contentHash);
  ctx.cache.remember(file, staged.contentHash, lastLine);
  if (lastLine !== undefined && done >= lastLine) {
    removePieces(staged.pieces);
    return skipped;
  }
  const rejectsDone = (await latest(ctx.rejectsDir)).txnVersion(appId) ?? -1;
  return new FileIngest(file, staged, appId, done, rejectsDone, ctx);
}

/**
 * One landing file being ingested: its pieces are written by whichever connection is free and
 * committed strictly in order (rejects, then events, each with txn = last line of the piece), so
 * the txn version always means "every line up to here is in".
 */
class FileIngest {
  private readonly outcome: FileOutcome;
  private commits: Promise<void> = Promise.resolve();
  private remaining: number;
  private resolveDone!: (outcome: FileOutcome) => void;
  private rejectDone!: (error: unknown) => void;
  readonly done = new Promise<FileOutcome>((resolve, reject) => {
    this.resolveDone = resolve;
    this.rejectDone = reject;
  });
  /** Set when a clean-path read failed: later pieces are dropped and the file is staged numbered. */
  private fallback: Promise<void> | undefined;
  /** A clean-path read failed: pieces of that staging are not committed. */
  private stale = false;
  private error: unknown;

  constructor(
    readonly file: LandingFile,
    private staged: StagedFile,
    private readonly appId: string,
    private eventsDone: number,
    private rejectsDone: number,
    private readonly ctx: IngestContext,
  ) {
    this.outcome = { name: file.name, status: 'ingested', lines: 0, rows: 0, rejects: 0, bytes: 0 };
    this.remaining = this.todo().length;
    this.done.catch(() => undefined);
    if (this.remaining === 0) this.settle();
  }

  private todo(): Piece[] {
    return this.staged.pieces.filter((piece) => piece.lastLine === undefined || piece.lastLine > this.eventsDone);
  }

  works(): Work[] {
    return this.todo().map((piece) => ({ ingest: this, piece }));
  }

  async run(work: Work, conn: DuckDBConnection): Promise<void> {
    try {
      // Pieces of a staging that failed (or of a file that failed) are dropped, but still counted.
      if (!this.fallback && this.error === undefined) await this.ingestPiece(work.piece, this.staged, conn);
    } catch (error) {
      if (isCleanReadFailure(this.staged, error)) {
        // The clean read refused a line (not 9 fields, or too long): redo what is left, numbered.
        if (!this.fallback) {
          this.ctx.log(`bronze: ${this.file.name}: ${(error as Error).message.split('\n')[0]}; reading it line by line instead`);
          this.fallback = this.restageNumbered(conn);
          // The fallback uses this connection: the worker waits for it before taking more work.
          await this.fallback.catch(() => undefined);
        }
      } else this.error ??= error;
    } finally {
      if (work.piece.temporary) rmSync(work.piece.path, { force: true });
    }
    if (--this.remaining === 0) {
      await this.fallback?.catch((error: unknown) => (this.error ??= error));
      this.settle();
    }
  }

  private settle(): void {
    this.commits.then(
      () => {
        if (this.error !== undefined) return this.rejectDone(this.error);
        this.outcome.lines = this.outcome.rows + this.outcome.rejects;
        this.ctx.log(`bronze: ${this.file.name}: ${this.outcome.rows.toLocaleString('en-US')} rows, ${this.outcome.rejects.toLocaleString('en-US')} rejected lines`);
        this.resolveDone(this.outcome);
      },
      (error: unknown) => this.rejectDone(this.error ?? error),
    );
  }

  private async restageNumbered(conn: DuckDBConnection): Promise<void> {
    await this.commits.catch(() => undefined);
    removePieces(this.staged.pieces);
    const numbered = await timed(`bronze: stage numbered ${this.file.name}`, () =>
      stageFile(this.file, this.ctx.stagingDir, { pieceBytes: this.ctx.pieceBytes, forceNumbered: true, onRead: (bytes) => this.ctx.progress.reading(this.file, bytes) }),
    );
    this.staged = numbered;
    try {
      for (const piece of this.todo()) await this.ingestPiece(piece, numbered, conn);
    } finally {
      removePieces(numbered.pieces);
    }
  }

  private async ingestPiece(piece: Piece, staged: StagedFile, conn: DuckDBConnection): Promise<void> {
    const { ctx, file } = this;
    // Reserve this piece's place in the commit order before writing: pieces written side by side
    // still commit in line order, and none commits after an earlier one failed.
    const previous = this.commits;
    let release!: (commitPiece: (() => Promise<void>) | undefined) => void;
    const written = new Promise<(() => Promise<void>) | undefined>((resolve) => (release = resolve));
    this.commits = (async () => {
      await previous;
      await (await written)?.();
    })();
    this.commits.catch(() => undefined);
    const label = `${file.name}#${staged.pieces.indexOf(piece)}`;
    const params = { source_file: file.name, batch_id: ctx.batchId, ingested_at: new DuckDBTimestampTZValue(BigInt(ctx.ingestedAt.getTime()) * 1000n) };
    let rejects: WrittenFiles | undefined;
    let events: WrittenFiles;
    try {
      if (staged.mode === 'numbered') {
        const lines = pieceLinesSql({ path: piece.path, delimiter: staged.delimiter });
        // Two streaming reads of the piece (rejects are few) instead of materialising it; the second
        // only when the first left lines out: a piece whose every line (after the header and the
        // lines already in) is a row has no rejects, as in a CRLF file with nothing wrong in it.
        const after = this.eventsDone;
        events = await timed(`bronze: events ${label}`, () =>
          writeDataFiles(conn, { tableDir: ctx.eventsDir, query: bronzeEventsSql(lines), params: { ...params, after }, partitionColumns: [], schema: BRONZE_EVENTS_SCHEMA, ...BRONZE_WRITE }),
        );
        const allRows = piece.lastLine !== undefined && events.numOutputRows === Math.max(0, piece.lastLine - linesBefore(piece, after));
        if (!allRows && (piece.lastLine === undefined || piece.lastLine > this.rejectsDone)) {
          rejects = await timed(`bronze: rejects ${label}`, () =>
            writeDataFiles(conn, { tableDir: ctx.rejectsDir, query: bronzeRejectsSql(lines), params: { ...params, after: this.rejectsDone }, partitionColumns: [], schema: BRONZE_REJECTS_SCHEMA, ...BRONZE_WRITE }),
          );
        }
      } else {
        const after = this.eventsDone;
        const written = await timed(`bronze: events ${label}`, () =>
          writeDataFiles(conn, { tableDir: ctx.eventsDir, query: cleanEventsSql(piece), params: { ...params, after }, partitionColumns: [], schema: BRONZE_EVENTS_SCHEMA, ...BRONZE_WRITE }),
        );
        // A clean read gives one row per line (a line of another width fails it): it must reach the
        // piece's last line, or the file's for the last piece read in place. Anything short is not
        // committed, and the file is read again on the numbered path.
        const last = piece.lastLine ?? (piece === staged.pieces.at(-1) ? staged.lines : undefined);
        const reached = linesBefore(piece, after) + written.numOutputRows;
        if (last !== undefined && reached !== Math.max(linesBefore(piece, after), last)) {
          removeWritten(ctx.eventsDir, written, ctx.rejectsDir, undefined);
          throw new Error(`the CSV read of ${label} reached line ${reached}, not its last line ${last}`);
        }
        events = written;
      }
    } catch (error) {
      if (isCleanReadFailure(staged, error)) this.stale = true;
      else this.error ??= error;
      release(undefined);
      throw error;
    }
    // A direct piece (the whole file) learns its last line by reading: the lines before plus one per row.
    const lastLine = piece.lastLine ?? linesBefore(piece, this.eventsDone) + events.numOutputRows;
    release(async () => {
      if (this.error !== undefined || (staged.mode !== 'numbered' && this.stale) || lastLine <= this.eventsDone) {
        removeWritten(ctx.eventsDir, events, ctx.rejectsDir, rejects);
        return;
      }
      const txns = [{ appId: this.appId, version: lastLine, lastUpdated: Date.now() }];
      const parameters = { file: file.name, lastLine, fingerprint: staged.contentHash, batchId: ctx.batchId };
      if (rejects && rejects.numOutputRows > 0) await commitOrFail(ctx.rejectsDir, { adds: rejects.adds, txns }, parameters, rejects.numOutputRows, rejects.numOutputBytes);
      await timed(`bronze: commit ${label}`, () => commitOrFail(ctx.eventsDir, { adds: events.adds, txns }, parameters, events.numOutputRows, events.numOutputBytes));
      this.eventsDone = lastLine;
      this.rejectsDone = Math.max(this.rejectsDone, lastLine);
      // The file's line count is known when its pieces were cut (not for a file read in place).
      const lines = staged.pieces.at(-1)?.lastLine;
      if (lines) ctx.progress.committing(file, lastLine / lines);
      if (piece === staged.pieces.at(-1)) ctx.cache.remember(file, staged.contentHash, lastLine);
      this.outcome.rows += events.numOutputRows;
      this.outcome.rejects += rejects?.numOutputRows ?? 0;
      this.outcome.bytes += events.numOutputBytes + (rejects?.numOutputBytes ?? 0);
    });
    await this.commits;
  }
}

/** The line a read of `piece` starts after: the lines before the piece, its header, and those already in (`after`). */
function linesBefore(piece: Piece, after: number): number {
  return Math.max(after, piece.firstLine - 1 + (piece.hasHeader ? 1 : 0));
}

/** A DuckDB read error on the clean path (a line that is not exactly 9 plain fields). */
function isCleanReadFailure(staged: StagedFile, error: unknown): boolean {
  return staged.mode !== 'numbered' && !(error instanceof PipelineError) && error instanceof Error && /CSV|column|line/i.test(error.message);
}

/** Data files written for a piece that will not be committed. */
function removeWritten(eventsDir: string, events: WrittenFiles, rejectsDir: string, rejects: WrittenFiles | undefined): void {
  for (const add of events.adds) rmSync(path.join(eventsDir, decodeURIComponent(add.path)), { force: true });
  for (const add of rejects?.adds ?? []) rmSync(path.join(rejectsDir, decodeURIComponent(add.path)), { force: true });
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
