/**
 * Vacuum (Delta's VACUUM): delete data files in the table directory that no version within the
 * retention period references and that are older than it. Referenced = active in the latest
 * snapshot, or removed less than `retentionHours` ago (a tombstone still in the log). `_delta_log`
 * and hidden files (`.` / `_` prefixes, except partition directories containing `=`) are never
 * touched. Retention below 168 hours is refused unless forced, because readers time-travelling or
 * writers still committing may need recently removed or freshly written files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeLogPath } from './actions';
import { DeltaError } from './errors';
import { LOG_DIR } from './log-paths';
import { DeltaTable } from './table';

export interface VacuumOptions {
  retentionHours?: number;
  dryRun?: boolean;
  force?: boolean;
}

export interface VacuumResult {
  dryRun: boolean;
  /** Relative paths of the files deleted (or that would be, on a dry run), sorted. */
  files: string[];
  bytes: number;
}

export const MIN_RETENTION_HOURS = 168;

function isHidden(name: string): boolean {
  return (name.startsWith('.') || name.startsWith('_')) && !name.includes('=');
}

function relativeKey(tableDir: string, logPath: string): string {
  if (logPath.startsWith('file:')) return path.relative(tableDir, new URL(logPath).pathname).split(path.sep).join('/');
  return decodeLogPath(logPath);
}

export async function vacuum(tableDir: string, options: VacuumOptions = {}): Promise<VacuumResult> {
  const retentionHours = options.retentionHours ?? MIN_RETENTION_HOURS;
  if (!Number.isFinite(retentionHours) || retentionHours < 0) {
    throw new DeltaError('INVALID_ARGUMENT', `retention must be a number of hours ≥ 0, got ${retentionHours}`, { table: tableDir });
  }
  if (retentionHours < MIN_RETENTION_HOURS && !options.force) {
    throw new DeltaError(
      'INVALID_ARGUMENT',
      `refusing to vacuum ${tableDir} with a retention of ${retentionHours} h (< ${MIN_RETENTION_HOURS} h): concurrent readers and writers may still need those files; force it if you are sure`,
      { table: tableDir },
    );
  }
  const table = await DeltaTable.open(tableDir);
  const snapshot = await table.snapshot();
  const cutoff = Date.now() - retentionHours * 3_600_000;
  const keep = new Set<string>();
  for (const add of snapshot.addActions.values()) keep.add(relativeKey(table.dir, add.path));
  for (const remove of snapshot.tombstones) {
    if ((remove.deletionTimestamp ?? Number.POSITIVE_INFINITY) >= cutoff) keep.add(relativeKey(table.dir, remove.path));
  }
  const files: string[] = [];
  let bytes = 0;
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (prefix === '' && entry.name === LOG_DIR) continue;
      if (isHidden(entry.name)) continue;
      const full = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        walk(full, rel);
        continue;
      }
      if (!entry.isFile() || keep.has(rel)) continue;
      const stat = fs.statSync(full);
      if (stat.mtimeMs >= cutoff) continue;
      files.push(rel);
      bytes += stat.size;
    }
  };
  walk(table.dir, '');
  files.sort();
  if (!options.dryRun) {
    for (const rel of files) fs.rmSync(path.join(table.dir, rel), { force: true });
    removeEmptyDirs(table.dir, true);
  }
  return { dryRun: Boolean(options.dryRun), files, bytes };
}

/** Removes partition directories left empty (never the table root or hidden directories). */
function removeEmptyDirs(dir: string, isRoot: boolean): boolean {
  let empty = true;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !(isRoot && entry.name === LOG_DIR) && !isHidden(entry.name)) {
      if (!removeEmptyDirs(path.join(dir, entry.name), false)) empty = false;
    } else {
      empty = false;
    }
  }
  if (empty && !isRoot) fs.rmdirSync(dir);
  return empty;
}
