/**
 * Benchmarks of the Delta library (issue 3 targets): loading a snapshot of a table with 1,000
 * commits and checkpoints (≤ 100 ms), replaying a log that holds 100,000 add actions (≤ 1 s), and
 * pruning 100,000 files with a predicate. The logs are synthetic (add actions with realistic stats,
 * no data files) because only log work is measured. `runDeltaBench` is called by `clicklake bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddAction } from '../delta';
import { commit, DeltaTable, loadSnapshot, where, writeCheckpoint } from '../delta';
import { commitPath } from '../delta/log-paths';
import { newMetadata } from '../delta/table';

export interface DeltaBenchOptions {
  /** Commits in the checkpointed table (default 1,000). */
  commits?: number;
  /** Add actions in the replay log (default 100,000). */
  adds?: number;
  /** Repetitions per measurement; the median is reported (default 5). */
  repeat?: number;
  /** Progress lines go here (default: none). */
  log?: (line: string) => void;
}

export interface DeltaBenchResult {
  snapshotLoad: { commits: number; checkpoints: number; medianMs: number; latestVersionMs: number; targetMs: 100 };
  replay: { addActions: number; commitFiles: number; medianMs: number; targetMs: 1000 };
  replayFromCheckpoint: { addActions: number; medianMs: number };
  pruning: { files: number; kept: number; skipped: number; firstMs: number; medianMs: number };
}

const SCHEMA = {
  type: 'struct' as const,
  fields: [
    { name: 'event_date', type: 'date' as const, nullable: true, metadata: {} },
    { name: 'user_id', type: 'long' as const, nullable: true, metadata: {} },
    { name: 'event_time', type: 'timestamp' as const, nullable: true, metadata: {} },
    { name: 'price', type: 'decimal(12,2)' as const, nullable: true, metadata: {} },
    { name: 'brand', type: 'string' as const, nullable: true, metadata: {} },
  ],
};

function fakeAdd(n: number): AddAction {
  const day = `2019-10-${String((n % 31) + 1).padStart(2, '0')}`;
  const lo = n * 1000;
  return {
    path: `event_date=${day}/part-${String(n).padStart(8, '0')}-0a1b2c3d-4e5f-6789-abcd-ef0123456789.c000.zstd.parquet`,
    partitionValues: { event_date: day },
    size: 1_000_000 + (n % 1000),
    modificationTime: 1_700_000_000_000 + n,
    dataChange: true,
    stats: JSON.stringify({
      numRecords: 1000,
      minValues: { user_id: lo, event_time: `${day}T00:00:00.000Z`, price: 0.5, brand: 'acer' },
      maxValues: { user_id: lo + 999, event_time: `${day}T23:59:59.999Z`, price: 999.99, brand: 'zte' },
      nullCount: { user_id: 0, event_time: 0, price: 0, brand: 12 },
    }),
  };
}

async function time<T>(work: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

async function median(repeat: number, work: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) times.push((await time(work))[0]);
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

/** Writes commit files directly (the commit path is exercised elsewhere; here only reading is timed). */
function writeLog(dir: string, batches: AddAction[][], configuration: Record<string, string>): void {
  fs.mkdirSync(path.join(dir, '_delta_log'), { recursive: true });
  batches.forEach((adds, version) => {
    const lines: string[] = [JSON.stringify({ commitInfo: { timestamp: Date.now(), operation: 'WRITE', isBlindAppend: true } })];
    if (version === 0) {
      lines.push(JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }));
      lines.push(JSON.stringify({ metaData: newMetadata({ schema: SCHEMA, partitionColumns: ['event_date'], configuration }) }));
    }
    for (const add of adds) lines.push(JSON.stringify({ add }));
    fs.writeFileSync(commitPath(dir, version), lines.join('\n') + '\n');
  });
}

export async function runDeltaBench(options: DeltaBenchOptions = {}): Promise<DeltaBenchResult> {
  const commits = options.commits ?? 1000;
  const adds = options.adds ?? 100_000;
  const repeat = options.repeat ?? 5;
  const log = options.log ?? (() => {});
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clicklake-delta-bench-'));
  try {
    // 1. A table of `commits` real commits (through commit(), so checkpoints are written as in production).
    const checkpointed = path.join(root, 'checkpointed');
    log(`writing ${commits} commits with a checkpoint every 10…`);
    const table = await DeltaTable.create(checkpointed, { schema: SCHEMA, partitionColumns: ['event_date'] });
    for (let v = 1; v < commits; v++) {
      const result = await commit(table, { operation: 'WRITE', readVersion: v - 1, actions: { adds: [fakeAdd(v)] }, checkpointInterval: 10 });
      if (result.status !== 'committed') throw new Error(`bench commit ${v} failed: ${result.reason}`);
    }
    const checkpoints = fs.readdirSync(path.join(checkpointed, '_delta_log')).filter((f) => f.endsWith('.checkpoint.parquet')).length;
    await loadSnapshot(checkpointed); // warm up the internal DuckDB instance
    const snapshotMs = await median(repeat, () => loadSnapshot(checkpointed));
    const latestVersionMs = await median(repeat, () => table.latestVersion());

    // 2. A log of `adds` add actions in 100 commits, no checkpoint: pure JSON replay.
    const big = path.join(root, 'replay');
    const perCommit = Math.ceil(adds / 100);
    log(`writing a log of ${adds} add actions…`);
    const batches = Array.from({ length: Math.ceil(adds / perCommit) }, (_, c) =>
      Array.from({ length: Math.min(perCommit, adds - c * perCommit) }, (_, k) => fakeAdd(c * perCommit + k)),
    );
    writeLog(big, batches, { 'delta.checkpointInterval': '1000000' });
    const replayMs = await median(repeat, () => loadSnapshot(big));

    // 3. The same state from a checkpoint.
    const snapshot = await loadSnapshot(big);
    await writeCheckpoint(big, snapshot.version, snapshot.replayState);
    const fromCheckpointMs = await median(repeat, () => loadSnapshot(big));

    // 4. Pruning: one week of dates and a user range, over every file.
    const predicate = where.and(where.between('event_date', '2019-10-08', '2019-10-14'), where.lt('user_id', 50_000_000));
    const fresh = await loadSnapshot(big);
    const [firstMs, pruned] = await time(() => fresh.prune(predicate));
    const pruneMs = await median(repeat, () => fresh.prune(predicate));
    return {
      snapshotLoad: { commits, checkpoints, medianMs: snapshotMs, latestVersionMs, targetMs: 100 },
      replay: { addActions: adds, commitFiles: batches.length, medianMs: replayMs, targetMs: 1000 },
      replayFromCheckpoint: { addActions: adds, medianMs: fromCheckpointMs },
      pruning: { files: fresh.files.length, kept: pruned.files.length, skipped: pruned.skippedFiles, firstMs: Math.round(firstMs * 10) / 10, medianMs: pruneMs },
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
