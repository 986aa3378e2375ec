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
import type { DuckDBStructType } from '@duckdb/node-api';
import type { ActionBatch, AddAction, RemoveAction } from './actions';
import { collectAction, emptyBatch } from './actions';
import { withInternalConnection } from './duck';
import { DeltaError } from './errors';
import { writeLastCheckpoint } from './last-checkpoint';
import { checkpointFileName, logDir } from './log-paths';
import type { ReplayState } from './replay';
import { quoteIdentifier } from './schema';
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

/**
 * Reads one checkpoint (all its parts) into an action batch. Add rows, the bulk of a checkpoint, are
 * read column by column (much cheaper than converting whole rows to JSON); the few other rows go
 * through to_json. Optional add fields (stats, stats_parsed, tags, deletionVector) are read when the
 * file has them.
 */
export async function readCheckpoint(tableDir: string, version: number, files: string[]): Promise<ActionBatch> {
  const source = `read_parquet([${files.map((f) => sqlString(path.join(logDir(tableDir), f))).join(', ')}])`;
  const batch = emptyBatch();
  try {
    await withInternalConnection(async (conn) => {
      const probe = await conn.runAndReadAll(`SELECT * FROM ${source} LIMIT 0`);
      const names = probe.columnNames();
      const addIndex = names.indexOf('add');
      const others = names.filter((n) => n !== 'add').map((n) => `${quoteIdentifier(n)}`);
      if (others.length > 0) {
        const where = addIndex >= 0 ? ' WHERE "add" IS NULL' : '';
        const reader = await conn.runAndReadAll(`SELECT to_json(struct_pack(${others.map((o) => `${o} := ${o}`).join(', ')}))::VARCHAR FROM ${source}${where}`);
        for (const line of reader.getColumnsJS()[0] as string[]) collectAction(batch, JSON.parse(line) as Record<string, unknown>);
      }
      if (addIndex < 0) return;
      const addType = probe.columnTypes()[addIndex] as DuckDBStructType;
      const has = (field: string) => addType.entryNames.includes(field);
      const json = (field: string) => (has(field) ? `to_json("add".${quoteIdentifier(field)})::VARCHAR` : 'NULL');
      const reader = await conn.runAndReadAll(
        `SELECT "add".path, to_json("add".partitionValues)::VARCHAR, "add".size, "add".modificationTime, "add".dataChange,
                ${has('stats') ? '"add".stats' : 'NULL'}, ${json('stats_parsed')}, ${json('tags')}, ${json('deletionVector')}
         FROM ${source} WHERE "add" IS NOT NULL`,
      );
      const [paths, partitionValues, sizes, mtimes, dataChanges, stats, statsParsed, tags, dvs] = reader.getColumnsJS() as unknown[][];
      const parse = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as never) : null);
      for (let i = 0; i < paths.length; i++) {
        const add: AddAction = {
          path: paths[i] as string,
          partitionValues: parse(partitionValues[i]) ?? {},
          size: Number(sizes[i]),
          modificationTime: Number(mtimes[i]),
          dataChange: dataChanges[i] !== false,
          stats: (stats[i] as string | null) ?? null,
        };
        if (!add.stats && statsParsed[i]) add.statsParsed = parse(statsParsed[i]);
        if (tags[i]) add.tags = parse(tags[i]);
        if (dvs[i]) add.deletionVector = parse(dvs[i]);
        batch.adds.push(add);
      }
    });
  } catch (error) {
    throw new DeltaError('CORRUPT_CHECKPOINT', `checkpoint ${version} of ${tableDir} cannot be read: ${(error as Error).message.split('\n')[0]}`, {
      table: tableDir,
      version,
      cause: error,
    });
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
