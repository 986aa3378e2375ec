/**
 * Remembers the content hash of landing files by (name, size, mtime), as rsync and git do, so a run
 * over 31 already-ingested daily files does not re-read 5.7 GB to learn that nothing changed. A file
 * whose size or mtime differs is hashed again; the hash, not this cache, decides idempotency.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LandingFile } from './landing';

interface Entry {
  size: number;
  mtimeMs: number;
  hash: string;
  /** Number of the file's last line, once fully ingested (the txn version that means "all in"). */
  lines?: number;
}

export class FingerprintCache {
  private entries: Record<string, Entry> = {};
  private dirty = false;

  constructor(private readonly file: string) {
    try {
      this.entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
    } catch {
      this.entries = {}; // missing or unreadable: start over, it is only a cache
    }
  }

  lookup(file: LandingFile): Entry | undefined {
    const entry = this.entries[file.name];
    return entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs ? entry : undefined;
  }

  /**
   * The last line of a file whose content is known: an entry of the same name and size with this
   * content hash, whatever its mtime (a copy or a touch changes the mtime, not the lines).
   */
  linesOf(file: LandingFile, hash: string): number | undefined {
    const entry = this.entries[file.name];
    return entry && entry.size === file.size && entry.hash === hash ? entry.lines : undefined;
  }

  remember(file: LandingFile, hash: string, lines: number | undefined): void {
    this.entries[file.name] = { size: file.size, mtimeMs: file.mtimeMs, hash, lines };
    this.dirty = true;
  }

  save(): void {
    if (!this.dirty) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.entries));
    renameSync(temp, this.file);
    this.dirty = false;
  }
}
