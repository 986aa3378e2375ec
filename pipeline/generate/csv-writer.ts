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
import { EVENT_TYPES } from './sessions';

export const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n';
/** No line is longer than this (clean lines are ~140 bytes; faults add a few characters). */
export const MAX_LINE = 1024;

const COMMA = 44;
const DIGITS2 = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGITS2[i * 2] = 48 + Math.floor(i / 10);
  DIGITS2[i * 2 + 1] = 48 + (i % 10);
}

/** Precomputed ASCII for everything a row is made of, in one pool with (start, length) per entry. */
export class RowFormatter {
  private readonly pool: Uint8Array;
  private readonly categoryAt: Uint32Array;
  private readonly brandAt: Uint32Array;
  private readonly productAt: Uint32Array;
  private readonly typeAt: Uint32Array;

  constructor(private readonly catalog: Catalog) {
    const parts: string[] = [];
    const offsets = (texts: string[]): Uint32Array => {
      const at = new Uint32Array(texts.length + 1);
      let length = parts.reduce((sum, p) => sum + p.length, 0);
      texts.forEach((text, i) => {
        at[i] = length;
        parts.push(text);
        length += text.length;
      });
      at[texts.length] = length;
      return at;
    };
    // Entries carry their trailing comma so a row is a sequence of plain copies.
    this.typeAt = offsets(EVENT_TYPES.map((t) => `${t},`));
    this.categoryAt = offsets(catalog.categoryIds.map((id, c) => `${id},${catalog.categoryCodes[c]},`));
    this.brandAt = offsets(catalog.brands.map((b) => `${b},`));
    this.productAt = offsets(Array.from(catalog.productIds, (id) => `${id},`));
    this.pool = new Uint8Array(Buffer.from(parts.join(''), 'latin1'));
  }

  /**
   * Writes one clean line at `pos` and returns the position after its newline. `dayIndex` selects the
   * product's attributes (some change during the month); `date` is the 11 bytes `YYYY-MM-DD `.
   */
  write(out: Uint8Array, pos: number, date: Uint8Array, second: number, dayIndex: number, type: number, product: number, user: number, uuid: Uint8Array, uuidAt: number): number {
    const catalog = this.catalog;
    const changed = catalog.changeDay[product] <= dayIndex;
    for (let k = 0; k < 11; k++) out[pos++] = date[k];
    const h = Math.floor(second / 3600);
    const mi = Math.floor(second / 60) % 60;
    const s = second % 60;
    out[pos++] = DIGITS2[h * 2];
    out[pos++] = DIGITS2[h * 2 + 1];
    out[pos++] = 58;
    out[pos++] = DIGITS2[mi * 2];
    out[pos++] = DIGITS2[mi * 2 + 1];
    out[pos++] = 58;
    out[pos++] = DIGITS2[s * 2];
    out[pos++] = DIGITS2[s * 2 + 1];
    out[pos++] = 32; // ' UTC,'
    out[pos++] = 85;
    out[pos++] = 84;
    out[pos++] = 67;
    out[pos++] = COMMA;
    pos = this.copy(out, pos, this.typeAt, type);
    pos = this.copy(out, pos, this.productAt, product);
    pos = this.copy(out, pos, this.categoryAt, changed ? catalog.altCategory[product] : catalog.productCategory[product]);
    pos = this.copy(out, pos, this.brandAt, changed ? catalog.altBrand[product] : catalog.productBrand[product]);
    const cents = changed ? catalog.altPrice[product] : catalog.productPrice[product];
    pos = writeUint(out, pos, Math.floor(cents / 100));
    out[pos++] = 46;
    out[pos++] = DIGITS2[(cents % 100) * 2];
    out[pos++] = DIGITS2[(cents % 100) * 2 + 1];
    out[pos++] = COMMA;
    pos = writeUint(out, pos, user);
    out[pos++] = COMMA;
    for (let k = 0; k < 36; k++) out[pos++] = uuid[uuidAt + k];
    out[pos++] = 10;
    return pos;
  }

  private copy(out: Uint8Array, pos: number, at: Uint32Array, index: number): number {
    const pool = this.pool;
    const end = at[index + 1];
    for (let k = at[index]; k < end; k++) out[pos++] = pool[k];
    return pos;
  }
}

/** Decimal digits of a non-negative integer below 2^53. */
export function writeUint(out: Uint8Array, pos: number, value: number): number {
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
  let v = value;
  for (let k = pos + digits - 1; k >= pos; k--) {
    out[k] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return pos + digits;
}

export function dateBytes(date: string): Uint8Array {
  return new Uint8Array(Buffer.from(`${date} `, 'latin1'));
}

/** Where finished chunks go: a file (plain or gzip) or the main thread (single-file mode). */
export interface Sink {
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
  pos = 0;
  bytes = 0;

  constructor(
    private readonly sink: Sink,
    private readonly size = 8 * 1024 * 1024,
  ) {
    this.buffer = new Uint8Array(size);
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
    // The sink may keep (or transfer) the chunk, so the next one gets a fresh buffer.
    this.buffer = new Uint8Array(this.size);
    this.pos = 0;
    return this.sink.write(chunk);
  }
}
