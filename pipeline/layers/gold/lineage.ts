/**
 * Lineage of gold tables: which versions of their inputs a gold table reflects, recorded in the table
 * itself as Delta `txn` actions (appId = "clicklake.gold<-<input>", version = the input's version), so
 * the record commits atomically with the data it describes. A run killed between two gold tables leaves
 * each table saying exactly what it holds, and the next run brings each one forward from there.
 *
 * Between a recorded version and the current one, the Delta log says which data files changed (the
 * difference of the two snapshots' file sets); that is all an incremental rebuild needs to know.
 */
import { existsSync } from 'node:fs';
import type { AddFile, Snapshot } from '../../delta/snapshot';
import { DeltaError } from '../../delta/errors';
import { DeltaTable } from '../../delta/table';
import type { TxnId } from '../../delta/operations';

/** The inputs a gold table can record. */
export type GoldInput = 'silver.events' | 'silver.sessions' | 'gold.session_facts';

/** The inputs of the serving tables derived from gold tables (derived.ts). */
export type DerivedInput = 'gold.product_daily' | 'gold.user_summary';

type LineageInput = GoldInput | DerivedInput;

/**
 * App id of an input's txn. `fingerprint` (of the model's SQL) makes a changed model find no record,
 * so it is rebuilt whole instead of folded into rows computed by its older definition.
 */
export function lineageAppId(input: LineageInput, fingerprint?: string): string {
  return fingerprint ? `clicklake.gold@${fingerprint}<-${input}` : `clicklake.gold<-${input}`;
}

export function lineageTxns(versions: Partial<Record<LineageInput, number>>, fingerprint?: string): TxnId[] {
  return Object.entries(versions).map(([input, version]) => ({ appId: lineageAppId(input as LineageInput, fingerprint), version: version! }));
}

/** The recorded version of each input, or undefined when any is missing. */
export function recordedVersions<T extends LineageInput>(table: Snapshot, inputs: readonly T[], fingerprint?: string): Record<T, number> | undefined {
  const out = {} as Record<T, number>;
  for (const input of inputs) {
    const version = table.txnVersion(lineageAppId(input, fingerprint));
    if (version === undefined) return undefined;
    out[input] = version;
  }
  return out;
}

/**
 * For a table written before versions were recorded: the silver.events version committed last before
 * the table's own last commit (gold always ran right after silver), from commitInfo timestamps, which
 * survive copying a lake (file modification times do not).
 */
export function inferredEventsVersion(table: DeltaTable, events: DeltaTable): number | undefined {
  const [last] = table.history({ limit: 1 });
  if (!last) return undefined;
  return events.history().find((entry) => entry.timestamp <= last.timestamp)?.version;
}

export interface FileChanges {
  /** Files of the older version that the newer one no longer has. */
  removed: AddFile[];
  /** Files of the newer version that the older one did not have. */
  added: AddFile[];
  /** Files both versions hold. */
  kept: AddFile[];
}

/** Data files that differ between two snapshots of one table. */
export function fileChanges(before: Snapshot, after: Snapshot): FileChanges {
  const beforePaths = new Set(before.files.map((f) => f.absolutePath));
  const afterPaths = new Set(after.files.map((f) => f.absolutePath));
  return {
    removed: before.files.filter((f) => !afterPaths.has(f.absolutePath)),
    added: after.files.filter((f) => !beforePaths.has(f.absolutePath)),
    kept: after.files.filter((f) => beforePaths.has(f.absolutePath)),
  };
}

/** The snapshot at `version`, or undefined when the log can no longer rebuild it. */
export async function snapshotAt(dir: string, version: number): Promise<Snapshot | undefined> {
  try {
    return await (await DeltaTable.open(dir)).snapshot({ version });
  } catch (error) {
    // A missing commit, a gap, a checkpoint that no longer covers it: the log cannot rebuild it.
    if (error instanceof DeltaError) return undefined;
    throw error;
  }
}

/** Whether the files a time-travel read needs are still on disk (vacuum deletes removed files). */
export function stillOnDisk(files: readonly AddFile[]): boolean {
  return files.every((f) => existsSync(f.absolutePath));
}

/** The latest snapshot of a table, or undefined when it does not exist yet. */
export async function latestSnapshot(dir: string): Promise<Snapshot | undefined> {
  return DeltaTable.exists(dir) ? (await DeltaTable.open(dir)).snapshot() : undefined;
}

/** The event_date partitions some of these files belong to, sorted (partition values: no data file is read). */
export function eventDates(files: readonly AddFile[]): string[] {
  return [...new Set(files.map((f) => f.partitionValues.event_date).filter((d): d is string => Boolean(d)))].sort();
}
