/**
 * Landing files: discovery, fingerprinting and staging.
 *
 * A landing file is read once by Node: it is hashed (the fingerprint that makes ingestion idempotent),
 * its header is checked, and it is copied into numbered pieces (see stageFile) cut at line boundaries,
 * so DuckDB reads every physical line as one text value with its exact line number, in parallel.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PipelineError } from '../../errors';

export const SOURCE_COLUMNS = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session'] as const;
export const EXPECTED_HEADER = SOURCE_COLUMNS.join(',');

/** Pieces of about this size keep both cores busy without holding much in memory. */
export const DEFAULT_PIECE_BYTES = 160 * 1024 * 1024;

export interface LandingFile {
  /** File name inside the landing directory (the identity users see). */
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  gzip: boolean;
}

export interface Piece {
  path: string;
  /** Physical line number (1-based) of the piece's first line in the original file. */
  firstLine: number;
  /** Physical line number of the piece's last line; undefined when unknown (a direct piece: the whole file). */
  lastLine?: number;
  /** Whether the piece starts with the file's header line (skipped when read). */
  hasHeader: boolean;
  /** Whether this piece is a staging copy that may be deleted after ingestion. */
  temporary: boolean;
  /**
   * A range of lines of a file read in place: the lines before `firstLine` are skipped and reading
   * stops after `lastLine` (when set).
   */
  range?: boolean;
}

/**
 * How DuckDB reads a staged file:
 * - `direct`: the landing file itself, clean (no quote, carriage return or blank line), read by
 *   DuckDB's CSV reader with line numbers counted in order;
 * - `plain`: the same for a gzipped or very large clean file, decompressed / cut into pieces at line
 *   boundaries;
 * - `numbered`: anything else, copied into pieces whose every line is prefixed with its number (the
 *   robust path: a broken quote or a blank line cannot shift or swallow the lines after it).
 */
export type StagingMode = 'direct' | 'plain' | 'numbered';

export interface StagedFile {
  file: LandingFile;
  contentHash: string;
  mode: StagingMode;
  /** numbered mode: a byte that occurs nowhere in the file, DuckDB's column delimiter to read whole lines. */
  delimiter: number;
  pieces: Piece[];
  /** Decompressed bytes read. */
  bytes: number;
  /** direct mode: the file's physical lines, header included (its last piece must read up to there). */
  lines?: number;
}

const LANDING_PATTERN = /^[^.].*\.csv(\.gz)?$/i;

/** Data files in the landing directory, in name order (daily files sort chronologically). */
export function listLandingFiles(dir: string): LandingFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new PipelineError('io_error', `cannot read landing directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}`, { exitCode: 2 });
  }
  return names
    .filter((name) => LANDING_PATTERN.test(name))
    .sort()
    .map((name) => {
      const full = path.join(dir, name);
      const stat = statSync(full);
      return { name, path: full, size: stat.size, mtimeMs: stat.mtimeMs, gzip: /\.gz$/i.test(name) };
    })
    .filter((file) => statSync(file.path).isFile());
}

/** Cheap identity for "have I seen this exact file": name, size and content hash. */
export function fingerprintAppId(file: LandingFile, contentHash: string): string {
  return `clicklake.landing/${file.name}/${file.size}/${contentHash}`;
}

export function fingerprintPrefix(file: LandingFile): string {
  return `clicklake.landing/${file.name}/`;
}

const DELIMITER_CANDIDATES = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f];

/** Plain files up to this size are read by DuckDB where they lie (no copy). */
export const DIRECT_MAX_BYTES = 1 << 30;

export interface StageOptions {
  /** Target size of a staged piece. */
  pieceBytes?: number;
  /** Plain files up to this size are read in place; larger ones are cut into pieces. */
  directMaxBytes?: number;
  /** Always take the numbered path (tests compare it with the fast paths). */
  forceNumbered?: boolean;
  /** A clean file read in place is read as two ranges of lines, side by side (a lone file would leave a core idle). */
  halves?: boolean;
  /** Called as each pass reads the stored file, with the bytes that pass has read so far (progress). */
  onRead?: (storedBytes: number) => void;
}

/**
 * Reads the file once: SHA-256 of its bytes (the fingerprint), header check, and whether it is
 * clean — no quote, no carriage return, no blank line, no NUL — which is what lets DuckDB's CSV reader
 * see exactly one row per physical line, in order. A clean plain file is then read in place (counting
 * its lines too when it is to be read as two ranges); a clean gzipped or very large one is
 * decompressed / cut into pieces during that same pass. Any other file is read again to find a byte it
 * lacks, then staged as numbered pieces. Throws a PipelineError naming the file for an empty file, a wrong
 * header, a broken gzip stream or content that is not text.
 */
export async function stageFile(file: LandingFile, stagingDir: string, options: StageOptions = {}): Promise<StagedFile> {
  const pieceBytes = options.pieceBytes ?? DEFAULT_PIECE_BYTES;
  const direct = !file.gzip && file.size <= (options.directMaxBytes ?? DIRECT_MAX_BYTES);
  // A file read in place has its lines counted (~40 ns a line, while DuckDB reads other files): the
  // read must return one row for each, or it falls back to the numbered path (bronze.ts).
  const sizeHint = direct ? undefined : decompressedSizeHint(file);
  const plainPieceBytes = sizeHint === undefined ? pieceBytes : balancedPieceBytes(sizeHint, pieceBytes);
  const scanned = await scan(file, stagingDir, direct ? undefined : plainPieceBytes, direct, options.onRead);
  if (scanned.clean && !options.forceNumbered) {
    if (!direct) return { file, contentHash: scanned.hash, mode: 'plain', delimiter: 0, pieces: scanned.pieces, bytes: scanned.bytes };
    const pieces = inPlace(file, options.halves === true ? scanned.lines : 0);
    return { file, contentHash: scanned.hash, mode: 'direct', delimiter: 0, pieces, bytes: scanned.bytes, lines: scanned.lines };
  }
  removePieces(scanned.pieces);
  // Only a file that takes the numbered path needs a byte it lacks: a second pass, for those alone
  // (looking for 25 bytes in every chunk doubled the cost of the first pass), unless the first pass
  // found the file unclean in its first chunk and tracked a few candidates from there on.
  const absent = scanned.absent ?? (await absentBytes(file, options.onRead));
  if (absent === undefined) throw new PipelineError('not_csv', `${file.name}: contains every control byte; not a text CSV file`);
  return stageNumbered(file, stagingDir, balancedPieceBytes(scanned.bytes, pieceBytes), absent, options.onRead);
}

/**
 * The file's size once decompressed, as far as known before reading it: its size, or for a gzip the
 * size its trailer records (exact below 4 GiB, modulo 4 GiB above). Only piece sizes depend on it.
 */
function decompressedSizeHint(file: LandingFile): number | undefined {
  if (!file.gzip) return file.size;
  if (file.size < 18) return undefined;
  const trailer = Buffer.alloc(4);
  const fd = openSync(file.path, 'r');
  try {
    readSync(fd, trailer, 0, 4, file.size - 4);
  } finally {
    closeSync(fd);
  }
  const size = trailer.readUInt32LE(0);
  return size > 0 ? size : undefined;
}

/** Files at least this big are cut into an even number of pieces, so the two connections finish together. */
const EVEN_PIECES_MIN_BYTES = 32 << 20;

/**
 * The piece size for `bytes` of (decompressed) file: pieces of at most `pieceBytes`, all about equal,
 * and an even number of them for a file worth two readers. A day of 184 MB in 160 MB pieces was one
 * piece of 160 MB and one of 24 MB: one connection read most of it alone (the day's bronze 5.2 s; in
 * two halves 4.5 s).
 */
export function balancedPieceBytes(bytes: number, pieceBytes: number): number {
  let pieces = Math.max(1, Math.ceil(bytes / pieceBytes));
  if (pieces % 2 === 1 && bytes >= EVEN_PIECES_MIN_BYTES) pieces++;
  return Math.max(1, Math.ceil(bytes / pieces));
}

/**
 * A clean file read where it lies: one piece, or two ranges of about half its lines each (`lines`,
 * the file's physical lines header included, is 0 when not counted).
 */
function inPlace(file: LandingFile, lines: number): Piece[] {
  const half = Math.floor((lines - 1) / 2);
  if (half < 1) return [{ path: file.path, firstLine: 1, hasHeader: true, temporary: false }];
  return [
    { path: file.path, firstLine: 1, lastLine: half + 1, hasHeader: true, temporary: false, range: true },
    { path: file.path, firstLine: half + 2, hasHeader: false, temporary: false, range: true },
  ];
}

export function removePieces(pieces: readonly Piece[]): void {
  for (const piece of pieces) if (piece.temporary) rmSync(piece.path, { force: true });
}

interface Scan {
  hash: string;
  bytes: number;
  clean: boolean;
  /** Physical lines (a last line without a newline included), when counted. */
  lines: number;
  pieces: Piece[];
  /** A delimiter candidate absent from the whole file, when the first chunk already showed it unclean. */
  absent?: number;
}

/** Candidates a scan tracks once the file's first chunk is unclean (a text file lacks the first one). */
const SCAN_CANDIDATES = DELIMITER_CANDIDATES.slice(0, 3);

/**
 * Decompressed bytes per gunzip chunk. zlib's default (16 KiB) hands every chunk through the stream
 * machinery and the checks one at a time: 5.7 GB decompressed in 33 s that way, 15 s in 1 MiB chunks.
 */
const GUNZIP_CHUNK_BYTES = 1 << 20;

/**
 * Streams the (decompressed) file through `onChunk`, hashing the stored bytes and reporting how many
 * were read to `onRead`; maps stream errors to PipelineErrors.
 */
async function readLanding(
  file: LandingFile,
  onChunk: (chunk: Buffer) => Promise<void> | void,
  onRead?: (storedBytes: number) => void,
): Promise<{ hash: string; bytes: number; head: Buffer; header: boolean }> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let header = false;
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 8 << 20,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      try {
        if (!header) {
          head = Buffer.concat([head, chunk]);
          const newline = head.indexOf(10);
          if (newline !== -1 || head.length >= 1 << 20) {
            checkHead(file, head, newline);
            header = true;
          }
        }
        Promise.resolve(onChunk(chunk)).then(() => callback(), callback);
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  const source = createReadStream(file.path, { highWaterMark: 8 << 20 });
  let stored = 0;
  source.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    stored += chunk.length;
    onRead?.(stored);
  });
  try {
    if (file.gzip) await streamPipeline(source, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), sink);
    else await streamPipeline(source, sink);
  } catch (error) {
    if (error instanceof PipelineError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (file.gzip && /^Z_|ERR_.*ZLIB/.test(code)) {
      throw new PipelineError('unreadable_gzip', `${file.name}: not a readable gzip file (${(error as Error).message})`, { cause: error });
    }
    throw new PipelineError('io_error', `${file.name}: ${(error as Error).message}`, { cause: error });
  }
  if (!header) {
    if (bytes === 0) throw new PipelineError('empty_file', `${file.name}: the file is empty`);
    checkHead(file, head, head.indexOf(10));
  }
  return { hash: hash.digest('hex'), bytes, head, header };
}

/** Newlines in `buffer`. */
function countLines(buffer: Buffer): number {
  let n = 0;
  for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) n++;
  return n;
}

/**
 * Pieces being written: cut after the first newline past `pieceBytes` so no line straddles two
 * pieces. `transform` may rewrite a slice before it is written (numbering).
 */
class PieceWriter {
  readonly pieces: Piece[] = [];
  private current: PieceStream | undefined;
  /** Lines completed so far (the next line's number is `lines + 1`). */
  lines = 0;

  constructor(
    private readonly file: LandingFile,
    private readonly stagingDir: string,
    private readonly pieceBytes: number,
    private readonly transform: (slice: Buffer) => Buffer = (slice) => slice,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    if (!this.current) this.open();
    while (this.current!.bytes + chunk.length > this.pieceBytes) {
      const cut = chunk.indexOf(10, Math.max(0, this.pieceBytes - this.current!.bytes - 1));
      if (cut === -1 || cut === chunk.length - 1) break;
      await this.append(chunk.subarray(0, cut + 1));
      await this.close();
      chunk = chunk.subarray(cut + 1);
      this.open();
    }
    await this.append(chunk);
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    const piece = this.pieces[this.pieces.length - 1];
    // A piece that does not end with a newline ends the file: its last line is still a line.
    piece.lastLine = current.endsWithNewline ? this.lines : this.lines + 1;
    await new Promise<void>((resolve, reject) => current.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }

  private open(): void {
    mkdirSync(this.stagingDir, { recursive: true });
    const piecePath = path.join(this.stagingDir, `${this.file.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.${this.pieces.length}.piece`);
    this.pieces.push({ path: piecePath, firstLine: this.lines + 1, hasHeader: this.lines === 0, temporary: true });
    this.current = { stream: createWriteStream(piecePath, { highWaterMark: 4 << 20 }), bytes: 0, endsWithNewline: true };
  }

  private async append(slice: Buffer): Promise<void> {
    const current = this.current!;
    const out = this.transform(slice);
    this.lines += countLines(slice);
    current.bytes += slice.length;
    current.endsWithNewline = slice[slice.length - 1] === 10;
    if (!current.stream.write(out)) await new Promise<void>((resolve) => current.stream.once('drain', () => resolve()));
  }
}

interface PieceStream {
  stream: WriteStream;
  bytes: number;
  endsWithNewline: boolean;
}

/** The first pass: fingerprint, header, cleanliness, plain pieces when `pieceBytes` is given, and lines when `counting`. */
async function scan(file: LandingFile, stagingDir: string, pieceBytes: number | undefined, counting: boolean, onRead?: (storedBytes: number) => void): Promise<Scan> {
  let clean = true;
  let previousLast = -1;
  let newlines = 0;
  /** Candidates not met yet; tracked only when the first chunk is unclean (a CRLF or quoted file), so they cover the whole file. */
  let absent: number[] | undefined;
  let first = true;
  const writer = pieceBytes === undefined ? undefined : new PieceWriter(file, stagingDir, pieceBytes);
  try {
    const read = await readLanding(file, async (chunk) => {
      if (clean && (chunk.includes(34) || chunk.includes(13) || chunk.includes(0) || chunk.includes('\n\n') || (previousLast === 10 && chunk[0] === 10))) {
        clean = false;
        if (first) absent = SCAN_CANDIDATES;
      }
      first = false;
      if (absent && absent.length > 0) absent = absent.filter((byte) => !chunk.includes(byte));
      if (chunk.length > 0) previousLast = chunk[chunk.length - 1];
      if (counting) newlines += countLines(chunk);
      // Once the file is known to need the numbered path, plain pieces are not worth writing.
      if (writer && clean) await writer.write(chunk);
    }, onRead);
    await writer?.close();
    const lines = counting ? newlines + (previousLast === 10 || previousLast === -1 ? 0 : 1) : 0;
    return { hash: read.hash, bytes: read.bytes, clean, lines, pieces: writer?.pieces ?? [], absent: absent?.[0] };
  } catch (error) {
    await writer?.close().catch(() => undefined);
    removePieces(writer?.pieces ?? []);
    throw error;
  }
}

/** The first control byte that occurs nowhere in the (decompressed) file, if any. */
async function absentBytes(file: LandingFile, onRead?: (storedBytes: number) => void): Promise<number | undefined> {
  let absent = DELIMITER_CANDIDATES;
  await readLanding(file, (chunk) => {
    if (absent.length > 0) absent = absent.filter((byte) => !chunk.includes(byte));
  }, onRead);
  return absent[0];
}

interface LineState {
  /** Number of the next line to start. */
  line: number;
  atLineStart: boolean;
}

/** Prefixes every line that starts in `chunk` with its number and the delimiter. */
function numberLines(chunk: Buffer, state: LineState, delimiter: number): Buffer {
  const out = Buffer.allocUnsafe(chunk.length + (countLines(chunk) + 1) * 17);
  let o = 0;
  let start = 0;
  while (start < chunk.length) {
    if (state.atLineStart) {
      o += out.write(String(state.line), o, 'latin1');
      out[o++] = delimiter;
      state.atLineStart = false;
    }
    const newline = chunk.indexOf(10, start);
    const end = newline === -1 ? chunk.length : newline + 1;
    o += chunk.copy(out, o, start, end);
    start = end;
    if (newline !== -1) {
      state.line++;
      state.atLineStart = true;
    }
  }
  return out.subarray(0, o);
}

/**
 * The robust path: every line is written to a piece as `<line number><delimiter><line>` so DuckDB
 * reads pieces in parallel and still knows each line's exact number, whatever the line holds.
 */
async function stageNumbered(file: LandingFile, stagingDir: string, pieceBytes: number, delimiter: number, onRead?: (storedBytes: number) => void): Promise<StagedFile> {
  const state: LineState = { line: 1, atLineStart: true };
  const writer = new PieceWriter(file, stagingDir, pieceBytes, (slice) => numberLines(slice, state, delimiter));
  try {
    const read = await readLanding(file, (chunk) => writer.write(chunk), onRead);
    await writer.close();
    return { file, contentHash: read.hash, mode: 'numbered', delimiter, pieces: writer.pieces, bytes: read.bytes };
  } catch (error) {
    await writer.close().catch(() => undefined);
    removePieces(writer.pieces);
    throw error;
  }
}

/** Validates the first line; returns it. */
function checkHead(file: LandingFile, head: Buffer, newline: number): string {
  const sample = head.subarray(0, Math.min(head.length, 64 * 1024));
  if (sample.includes(0)) throw new PipelineError('not_csv', `${file.name}: contains NUL bytes; not a text CSV file`);
  const first = head
    .subarray(0, newline === -1 ? head.length : newline)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  if (first.trim() === '') throw new PipelineError('empty_file', `${file.name}: the first line is empty; expected the header '${EXPECTED_HEADER}'`);
  const normalised = first
    .split(',')
    .map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase())
    .join(',');
  if (normalised !== EXPECTED_HEADER) {
    const shown = first.length > 120 ? `${first.slice(0, 120)}…` : first;
    throw new PipelineError('wrong_header', `${file.name}: wrong header '${shown}'; expected '${EXPECTED_HEADER}'`);
  }
  return first;
}
