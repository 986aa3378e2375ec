/**
 * Landing files: discovery, fingerprinting and staging.
 *
 * A landing file is read once by Node: it is hashed (the fingerprint that makes ingestion idempotent),
 * its header is checked, and it is copied into numbered pieces (see stageFile) cut at line boundaries,
 * so DuckDB reads every physical line as one text value with its exact line number, in parallel.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
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
  /** Whether this piece is a staging copy that may be deleted after ingestion. */
  temporary: boolean;
}

export interface StagedFile {
  file: LandingFile;
  contentHash: string;
  /** A byte that occurs nowhere in the file, used as DuckDB's column delimiter to read whole lines. */
  delimiter: number;
  pieces: Piece[];
  /** Decompressed bytes read. */
  bytes: number;
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

/**
 * Reads the file once: hash, header check, and numbered pieces. Every line is written to a piece as
 * `<line number><delimiter><line>` so DuckDB can read pieces in parallel and still know each line's
 * exact number (numbering inside DuckDB would need a window over the whole file on one thread).
 * The delimiter is a control byte absent from the file; in the rare file that contains it, the file
 * is staged again with one it lacks. Throws a PipelineError naming the file for an empty file, a
 * wrong header, a broken gzip stream or content that is not text.
 */
export async function stageFile(file: LandingFile, stagingDir: string, pieceBytes = DEFAULT_PIECE_BYTES, delimiter = DELIMITER_CANDIDATES[0]): Promise<StagedFile> {
  const staged = await stageWith(file, stagingDir, pieceBytes, delimiter);
  if (staged.absent.includes(delimiter)) return staged.result;
  for (const piece of staged.result.pieces) rmSync(piece.path, { force: true });
  if (staged.absent.length === 0) throw new PipelineError('not_csv', `${file.name}: contains every control byte; not a text CSV file`);
  return (await stageWith(file, stagingDir, pieceBytes, staged.absent[0])).result;
}

interface LineState {
  /** Number of the next line to start. */
  line: number;
  atLineStart: boolean;
}

/** Prefixes every line that starts in `chunk` with its number and the delimiter. */
function numberLines(chunk: Buffer, state: LineState, delimiter: number): Buffer {
  let newlines = 0;
  for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines++;
  const out = Buffer.allocUnsafe(chunk.length + (newlines + 1) * 17);
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

async function stageWith(file: LandingFile, stagingDir: string, pieceBytes: number, delimiter: number): Promise<{ result: StagedFile; absent: number[] }> {
  const hash = createHash('sha256');
  const pieces: Piece[] = [];
  let absent = DELIMITER_CANDIDATES;
  let header: string | undefined;
  let headBuffer = Buffer.alloc(0);
  let bytes = 0;
  const state: LineState = { line: 1, atLineStart: true };
  let current: { stream: WriteStream; bytes: number } | undefined;

  const openPiece = () => {
    mkdirSync(stagingDir, { recursive: true });
    const piecePath = path.join(stagingDir, `${file.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.${pieces.length}.piece`);
    pieces.push({ path: piecePath, firstLine: state.line, temporary: true });
    current = { stream: createWriteStream(piecePath, { highWaterMark: 4 << 20 }), bytes: 0 };
  };
  const closePiece = async () => {
    const stream = current?.stream;
    current = undefined;
    if (stream) await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  };
  const writePiece = async (chunk: Buffer) => {
    if (chunk.length === 0) return;
    if (!current) openPiece();
    const piece = current!;
    const numbered = numberLines(chunk, state, delimiter);
    if (!piece.stream.write(numbered)) await new Promise<void>((resolve) => piece.stream.once('drain', () => resolve()));
    piece.bytes += chunk.length;
  };

  const sink = new Writable({
    highWaterMark: 8 << 20,
    write(chunk: Buffer, _encoding, callback) {
      (async () => {
        bytes += chunk.length;
        if (header === undefined) {
          headBuffer = Buffer.concat([headBuffer, chunk]);
          const newline = headBuffer.indexOf(10);
          if (newline !== -1 || headBuffer.length >= 1 << 20) header = checkHead(file, headBuffer, newline);
        }
        absent = absent.filter((byte) => !chunk.includes(byte));
        if (!current && chunk.length > 0) openPiece();
        // Cut after the first newline past the piece budget so no line straddles two pieces.
        while (current && current.bytes + chunk.length > pieceBytes) {
          const cut = chunk.indexOf(10, Math.max(0, pieceBytes - current.bytes - 1));
          if (cut === -1 || cut === chunk.length - 1) break;
          await writePiece(chunk.subarray(0, cut + 1));
          await closePiece();
          chunk = chunk.subarray(cut + 1);
          openPiece();
        }
        await writePiece(chunk);
      })().then(() => callback(), callback);
    },
  });

  const source = createReadStream(file.path, { highWaterMark: 8 << 20 });
  source.on('data', (chunk) => hash.update(chunk as Buffer));
  try {
    if (file.gzip) await streamPipeline(source, createGunzip(), sink);
    else await streamPipeline(source, sink);
    await closePiece();
  } catch (error) {
    await closePiece().catch(() => undefined);
    for (const piece of pieces) rmSync(piece.path, { force: true });
    if (error instanceof PipelineError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (file.gzip && /^Z_|ERR_.*ZLIB/.test(code)) {
      throw new PipelineError('unreadable_gzip', `${file.name}: not a readable gzip file (${(error as Error).message})`, { cause: error });
    }
    throw new PipelineError('io_error', `${file.name}: ${(error as Error).message}`, { cause: error });
  }
  if (header === undefined) {
    for (const piece of pieces) rmSync(piece.path, { force: true });
    if (bytes === 0) throw new PipelineError('empty_file', `${file.name}: the file is empty`);
    checkHead(file, headBuffer, headBuffer.indexOf(10));
  }
  return { result: { file, contentHash: hash.digest('hex'), delimiter, pieces, bytes }, absent };
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
