/**
 * Classic Parquet checkpoints (PROTOCOL.md "Checkpoints", "Checkpoint Schema"): the whole table
 * state at one version as rows of nullable top-level structs `txn, add, remove, metaData, protocol`,
 * one action per row; `partitionValues`, `configuration`, `tags`, `format.options` are
 * MAP(VARCHAR, VARCHAR) and `add.stats` the JSON string. Multi-part checkpoints are read as the
 * union of their parts. Both directions go through DuckDB (read_parquet / read_json + COPY).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionBatch, AddAction, RemoveAction } from './actions';
import { collectAction, emptyBatch } from './actions';
import { withInternalConnection } from './duck';
import { DeltaError } from './errors';
import { writeLastCheckpoint } from './last-checkpoint';
import { checkpointFileName, logDir } from './log-paths';
import type { ReplayState } from './replay';
import { sqlString } from './values';

/** The checkpoint schema we write, column by column (checked against the spec in tests). */
export const CHECKPOINT_COLUMNS: Record<string, string> = {
  txn: 'STRUCT(appId VARCHAR, "version" BIGINT, lastUpdated BIGINT)',
  add: 'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags MAP(VARCHAR, VARCHAR))',
  remove:
    'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)',
  metaData:
    'STRUCT(id VARCHAR, "name" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
  protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
};

/** Reads one checkpoint (all its parts) into an action batch. */
export async function readCheckpoint(tableDir: string, version: number, files: string[]): Promise<ActionBatch> {
  const paths = files.map((f) => sqlString(path.join(logDir(tableDir), f))).join(', ');
  let lines: string[];
  try {
    lines = await withInternalConnection(async (conn) => {
      const reader = await conn.runAndReadAll(`SELECT to_json(t)::VARCHAR AS j FROM read_parquet([${paths}]) AS t`);
      return reader.getColumns()[0] as string[];
    });
  } catch (error) {
    throw new DeltaError('CORRUPT_CHECKPOINT', `checkpoint ${version} of ${tableDir} cannot be read: ${(error as Error).message.split('\n')[0]}`, {
      table: tableDir,
      version,
      cause: error,
    });
  }
  const batch = emptyBatch();
  for (const line of lines ?? []) {
    const row = JSON.parse(line) as Record<string, unknown>;
    const add = row.add as (AddAction & { stats_parsed?: Record<string, unknown> | null }) | null;
    if (add && !add.stats && add.stats_parsed) add.statsParsed = add.stats_parsed;
    collectAction(batch, row);
  }
  return batch;
}

function retentionMs(configuration: Record<string, string>): number {
  const raw = configuration['delta.deletedFileRetentionDuration'] ?? 'interval 1 week';
  const m = /^\s*interval\s+(\d+)\s+(week|day|hour|minute|second)s?\s*$/i.exec(raw);
  if (!m) return 7 * 86_400_000;
  const unit = { week: 604_800_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 }[m[2].toLowerCase() as 'week'];
  return Number(m[1]) * unit;
}

function addRow(add: AddAction): Record<string, unknown> {
  const stats = add.stats ?? (add.statsParsed ? JSON.stringify(add.statsParsed) : null);
  return {
    add: {
      path: add.path,
      partitionValues: add.partitionValues ?? {},
      size: add.size,
      modificationTime: add.modificationTime,
      dataChange: false,
      stats,
      tags: add.tags ?? null,
    },
  };
}

function removeRow(remove: RemoveAction): Record<string, unknown> {
  return {
    remove: {
      path: remove.path,
      deletionTimestamp: remove.deletionTimestamp ?? null,
      dataChange: false,
      extendedFileMetadata: remove.extendedFileMetadata ?? null,
      partitionValues: remove.partitionValues ?? null,
      size: remove.size ?? null,
    },
  };
}

export interface CheckpointResult {
  version: number;
  size: number;
  sizeInBytes: number;
  numOfAddFiles: number;
}

/**
 * Writes the classic checkpoint of `state` (the table at `version`) and updates `_last_checkpoint`.
 * Another writer may race us to the same checkpoint; theirs is equivalent, so EEXIST is success.
 */
export async function writeCheckpoint(tableDir: string, version: number, state: ReplayState): Promise<CheckpointResult> {
  if (!state.protocol || !state.metadata) throw new DeltaError('MISSING_METADATA', `cannot checkpoint ${tableDir} at ${version}: no protocol/metaData`);
  const now = Date.now();
  const cutoff = now - retentionMs(state.metadata.configuration ?? {});
  const rows: Record<string, unknown>[] = [{ protocol: state.protocol }, { metaData: state.metadata }];
  for (const txn of state.txns.values()) rows.push({ txn: { appId: txn.appId, version: txn.version, lastUpdated: txn.lastUpdated ?? null } });
  for (const add of state.files.values()) rows.push(addRow(add));
  for (const remove of state.tombstones.values()) {
    if ((remove.deletionTimestamp ?? now) > cutoff) rows.push(removeRow(remove));
  }
  const token = crypto.randomUUID();
  const jsonFile = path.join(os.tmpdir(), `clicklake-checkpoint-${token}.json`);
  const target = path.join(logDir(tableDir), checkpointFileName(version));
  const temp = path.join(logDir(tableDir), `.${checkpointFileName(version)}.${token}.tmp`);
  fs.writeFileSync(jsonFile, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  try {
    const columns = Object.entries(CHECKPOINT_COLUMNS)
      .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
      .join(', ');
    await withInternalConnection((conn) =>
      conn.run(
        `COPY (SELECT txn, "add", remove, metaData, protocol FROM read_json(${sqlString(jsonFile)}, format = 'newline_delimited', columns = {${columns}}, maximum_object_size = 268435456))
         TO ${sqlString(temp)} (FORMAT parquet, COMPRESSION snappy)`,
      ),
    );
    try {
      fs.linkSync(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    fs.rmSync(jsonFile, { force: true });
    fs.rmSync(temp, { force: true });
  }
  const sizeInBytes = fs.statSync(target).size;
  const result = { version, size: rows.length, sizeInBytes, numOfAddFiles: state.files.size };
  writeLastCheckpoint(tableDir, result);
  return result;
}
