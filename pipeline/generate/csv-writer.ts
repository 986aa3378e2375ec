/**
 * Writing lines in the real file's exact format, fast: rows are assembled byte by byte into large
 * preallocated buffers from precomputed ASCII (category id + code, brand, product id per catalog entry;
 * the UUID per session), with digits written arithmetically. No per-row strings on the clean path.
 *
 * Format (REES46 2019-Oct.csv): `2019-10-01 00:00:00 UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,<uuid>`
 * — blank empties, two-decimal prices, lower-case brand and code, LF line ends.
 */
import { closeSync, createWriteStream, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Catalog } from './catalog';
import { DIGITS2 } from './ascii';
import { NO_CHANGE } from './prices';
import { EVENT_TYPES } from './sessions';

export const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n';
/** No line is longer than this (clean lines are ~140 bytes; faults add a few characters). */
export const MAX_LINE = 1024;

/**
 * Precomputed ASCII blocks, so a clean row is four plain copies: the time (cached per second by the
 * caller), the event type, the product block `product_id,category_id,category_code,brand,price,`
 * (a second block for products whose attributes change during the month) and the session block
 * `user_id,user_session\n` (built once per session).
 */
export class RowFormatter {
  private readonly poolView: DataView;
  private readonly typeAt: Uint32Array;
  /** Start of each product's block; the block ends where blockEnd says (blocks are not contiguous). */
  private readonly productAt: Uint32Array;
  private readonly productEnd: Uint32Array;
  private readonly changedAt: Uint32Array;
  private readonly changedEnd: Uint32Array;

  constructor(private readonly catalog: Catalog) {
    const { productCount, changeDay } = catalog;
    const texts: string[] = EVENT_TYPES.map((t) => `${t},`);
    for (let p = 0; p < productCount; p++) texts.push(productBlock(catalog, p, false));
    for (let p = 0; p < productCount; p++) if (changeDay[p] !== NO_CHANGE) texts.push(productBlock(catalog, p, true));
    const at: number[] = [];
    let length = 0;
    for (const text of texts) {
      at.push(length);
      length += text.length;
    }
    at.push(length);
    // Four spare bytes at the end: word copies may read past the last block.
    const pool = new Uint8Array(length + 4);
    pool.set(Buffer.from(texts.join(''), 'latin1'));
    this.poolView = new DataView(pool.buffer);
    this.typeAt = Uint32Array.from(at.slice(0, EVENT_TYPES.length + 1));
    this.productAt = new Uint32Array(productCount);
    this.productEnd = new Uint32Array(productCount);
    this.changedAt = new Uint32Array(productCount);
    this.changedEnd = new Uint32Array(productCount);
    let next = EVENT_TYPES.length;
    for (let p = 0; p < productCount; p++, next++) {
      this.productAt[p] = this.changedAt[p] = at[next];
      this.productEnd[p] = this.changedEnd[p] = at[next + 1];
    }
    for (let p = 0; p < productCount; p++) {
      if (changeDay[p] === NO_CHANGE) continue;
      this.changedAt[p] = at[next];
      this.changedEnd[p] = at[next + 1];
      next++;
    }
  }

  /**
   * Writes one clean line at `pos`; returns the position after its newline. `time` holds the 24 bytes
   * `YYYY-MM-DD HH:MM:SS UTC,`; `dayIndex` selects the product's attributes as of that day.
   * Blocks are copied four bytes at a time; each copy may write up to 3 bytes past its block, which the
   * next block (or the next line) overwrites, so `out` needs 3 bytes of slack after the line.
   */
  write(out: DataView, pos: number, time: DataView, dayIndex: number, type: number, product: number, tail: DataView, tailAt: number, tailEnd: number): number {
    const pool = this.poolView;
    for (let k = 0; k < 24; k += 4) out.setUint32(pos + k, time.getUint32(k, true), true);
    pos += 24;
    pos = copy(out, pos, pool, this.typeAt[type], this.typeAt[type + 1]);
    const changed = this.catalog.changeDay[product] <= dayIndex;
    pos = changed ? copy(out, pos, pool, this.changedAt[product], this.changedEnd[product]) : copy(out, pos, pool, this.productAt[product], this.productEnd[product]);
    return copy(out, pos, tail, tailAt, tailEnd);
  }
}

/** Copies source[start, end) to out at pos in 32-bit words (may read and write up to 3 bytes beyond). */
function copy(out: DataView, pos: number, source: DataView, start: number, end: number): number {
  for (let k = start; k < end; k += 4) out.setUint32(pos + k - start, source.getUint32(k, true), true);
  return pos + end - start;
}

function productBlock(catalog: Catalog, p: number, changed: boolean): string {
  const category = changed ? catalog.altCategory[p] : catalog.productCategory[p];
  const brand = changed ? catalog.altBrand[p] : catalog.productBrand[p];
  const cents = changed ? catalog.altPrice[p] : catalog.productPrice[p];
  const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return `${catalog.productIds[p]},${catalog.categoryIds[category]},${catalog.categoryCodes[category]},${catalog.brands[brand]},${price},`;
}

/** Writes `YYYY-MM-DD HH:MM:SS UTC,` for a second of the day into `out` (24 bytes). */
export function writeTime(out: Uint8Array, date: Uint8Array, second: number): void {
  for (let k = 0; k < 11; k++) out[k] = date[k];
  const h = Math.floor(second / 3600);
  const m = Math.floor(second / 60) % 60;
  const s = second % 60;
  out[11] = DIGITS2[h * 2];
  out[12] = DIGITS2[h * 2 + 1];
  out[13] = 58;
  out[14] = DIGITS2[m * 2];
  out[15] = DIGITS2[m * 2 + 1];
  out[16] = 58;
  out[17] = DIGITS2[s * 2];
  out[18] = DIGITS2[s * 2 + 1];
  out.set(UTC_COMMA, 19);
}

const UTC_COMMA = new Uint8Array(Buffer.from(' UTC,', 'latin1'));

export function dateBytes(date: string): Uint8Array {
  return new Uint8Array(Buffer.from(`${date} `, 'latin1'));
}

/** Where finished chunks go: a file (plain or gzip) or the main thread (single-file mode). */
export interface Sink {
  /** Whether the sink holds on to chunks after write returns (then every chunk needs a fresh buffer). */
  keepsChunks: boolean;
  write(chunk: Uint8Array): void | Promise<void>;
  /** Completes the output (renames the temp file into place). */
  close(): Promise<void>;
  /** Abandons the output (removes the temp file). */
  abort(): void;
}

/**
 * A file written under a hidden temp name (`.<name>.part`, which the landing scan ignores) and renamed
 * when complete, so an interrupted run never leaves a file that looks finished.
 */
export function fileSink(dir: string, name: string, gzip: boolean): Sink {
  const temp = `${dir}/.${name}.part`;
  const final = `${dir}/${name}`;
  if (!gzip) {
    const fd = openSync(temp, 'w');
    return {
      keepsChunks: false,
      write(chunk) {
        for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
      },
      async close() {
        closeSync(fd);
        renameSync(temp, final);
      },
      abort() {
        closeSync(fd);
        rmSync(temp, { force: true });
      },
    };
  }
  const file = createWriteStream(temp);
  const zip = createGzip({ level: 6 });
  zip.pipe(file);
  return {
    keepsChunks: true,
    async write(chunk) {
      if (!zip.write(chunk)) await once(zip, 'drain');
    },
    async close() {
      zip.end();
      await finished(file);
      renameSync(temp, final);
    },
    abort() {
      zip.destroy();
      file.destroy();
      rmSync(temp, { force: true });
    },
  };
}

/** Accumulates lines in a large buffer and hands it to the sink when nearly full. */
export class ChunkWriter {
  buffer: Uint8Array;
  view: DataView;
  pos = 0;
  bytes = 0;

  constructor(
    private readonly sink: Sink,
    private readonly size = 8 * 1024 * 1024,
  ) {
    this.buffer = new Uint8Array(size);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Whether fewer than MAX_LINE bytes are free (time to flush before the next line). */
  full(): boolean {
    return this.pos + MAX_LINE > this.size;
  }

  writeText(text: string): void {
    this.pos += Buffer.from(this.buffer.buffer, this.buffer.byteOffset + this.pos, MAX_LINE).write(text, 'latin1');
  }

  flush(): void | Promise<void> {
    if (this.pos === 0) return;
    const chunk = this.buffer.subarray(0, this.pos);
    this.bytes += this.pos;
    this.pos = 0;
    if (!this.sink.keepsChunks) return this.sink.write(chunk);
    // The sink keeps (or transfers) the chunk, so the next one gets a fresh buffer.
    this.buffer = new Uint8Array(this.size);
    this.view = new DataView(this.buffer.buffer);
    return this.sink.write(chunk);
  }
}
