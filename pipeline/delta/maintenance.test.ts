/** Maintenance and reading details: optimize, vacuum, data skipping, checkpoint schema interop. */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_COLUMNS } from './checkpoint';
import { append, overwrite } from './operations';
import { optimize } from './optimize';
import { scanSql } from './scan';
import { predicateSql, where } from './skipping';
import { loadSnapshot } from './snapshot';
import { diffRows, makeTempDir } from './test-support';
import { sqlString } from './values';
import { vacuum } from './vacuum';

let root: string;
let conn: DuckDBConnection;
let counter = 0;
const newDir = () => path.join(root, `t${counter++}`);

beforeAll(async () => {
  root = makeTempDir('maintenance');
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  conn?.closeSync();
  fs.rmSync(root, { recursive: true, force: true });
});

async function count(sql: string): Promise<number> {
  return Number((await conn.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRows()[0][0]);
}

/** Ten appends of 100 rows each into partitions by `day`; ids 0..999 in order. */
async function manySmallFiles(dir: string): Promise<void> {
  for (let batch = 0; batch < 10; batch++) {
    await append(conn, dir, `SELECT (${batch * 100} + range)::BIGINT AS id, DATE '2019-10-01' + (range % 2)::INTEGER AS day, 'u' || (range % 7) AS user_id FROM range(100)`, {
      partitionColumns: ['day'],
    });
  }
}

describe('optimize', () => {
  it('keeps the content and reduces the file count', async () => {
    const dir = newDir();
    await manySmallFiles(dir);
    const before = await loadSnapshot(dir);
    expect(before.files).toHaveLength(20);
    const result = await optimize(conn, dir, { clusterBy: ['user_id'] });
    expect(result).toMatchObject({ numFilesRemoved: 20, numFilesAdded: 2, numPartitionsOptimized: 2 });
    const after = await loadSnapshot(dir);
    expect(after.files).toHaveLength(2);
    expect(after.numRecords).toBe(1000);
    expect(await diffRows(conn, scanSql(after).sql, scanSql(before).sql)).toMatchObject({ onlyLeft: 0, onlyRight: 0, left: 1000 });
    const log = fs.readFileSync(path.join(dir, '_delta_log', `${String(result.version).padStart(20, '0')}.json`), 'utf8');
    const actions = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, { dataChange?: boolean }>);
    expect(actions.filter((a) => a.add || a.remove).every((a) => (a.add ?? a.remove)!.dataChange === false)).toBe(true);
    expect((await optimize(conn, dir)).version).toBeNull(); // nothing left to compact
  });
});

describe('vacuum', () => {
  it('dry run lists exactly the unreferenced files; a real run deletes them and the table still reads', async () => {
    const dir = newDir();
    await append(conn, dir, "SELECT range::BIGINT AS id, 'a' AS p FROM range(5)", { partitionColumns: ['p'] });
    const replaced = (await loadSnapshot(dir)).files.map((f) => path.relative(dir, f.absolutePath));
    await overwrite(conn, dir, "SELECT range::BIGINT AS id, 'b' AS p FROM range(3)");
    const orphan = path.join(dir, 'p=b', 'part-orphan.parquet');
    fs.writeFileSync(orphan, 'never committed');
    fs.writeFileSync(path.join(dir, '.hidden-file'), 'x');
    await expect(vacuum(dir, { retentionHours: 1, dryRun: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', exitCode: 2 });
    // With the default retention nothing is old enough.
    expect((await vacuum(dir, { dryRun: true })).files).toEqual([]);
    const dry = await vacuum(dir, { retentionHours: 0, dryRun: true, force: true });
    expect(dry.files).toEqual([...replaced, 'p=b/part-orphan.parquet'].sort());
    expect(fs.existsSync(orphan)).toBe(true);
    const real = await vacuum(dir, { retentionHours: 0, force: true });
    expect(real.files).toEqual(dry.files);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'p=a'))).toBe(false);
    expect(await count(scanSql(await loadSnapshot(dir)).sql)).toBe(3);
    expect(fs.readdirSync(path.join(dir, '_delta_log')).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });
});

describe('data skipping', () => {
  it('prunes by partition values and min/max stats and reads the same rows as a full scan', async () => {
    const dir = newDir();
    await manySmallFiles(dir);
    const snapshot = await loadSnapshot(dir);
    const cases = [
      { predicate: where.eq('day', '2019-10-02'), skipped: 10 },
      { predicate: where.between('id', 150, 249), skipped: 16 },
      { predicate: where.and(where.eq('day', '2019-10-01'), where.lt('id', 100)), skipped: 19 },
      { predicate: where.or(where.ge('id', 900), where.le('id', 99)), skipped: 16 },
      { predicate: where.in('id', [5, 505]), skipped: 16 },
      { predicate: where.isNull('user_id'), skipped: 20 },
      { predicate: where.not(where.eq('day', '2019-10-01')), skipped: 10 },
      { predicate: where.eq('user_id', 'zzz'), skipped: 20 },
    ];
    for (const { predicate, skipped } of cases) {
      const plan = scanSql(snapshot, { predicate });
      expect(plan.skippedFiles, JSON.stringify(predicate)).toBe(skipped);
      expect(plan.skippedBytes).toBe(snapshot.files.filter((f) => !plan.files.includes(f)).reduce((n, f) => n + f.size, 0));
      const full = scanSql(snapshot, { predicate: undefined }).sql;
      const reference = `SELECT * FROM (${full}) WHERE ${predicateSql(predicate, snapshot.schema)}`;
      expect(await diffRows(conn, plan.sql, reference)).toMatchObject({ onlyLeft: 0, onlyRight: 0 });
    }
  });

  it('reads NULL for columns missing from older files when filtering on them', async () => {
    const dir = newDir();
    await append(conn, dir, 'SELECT 1::BIGINT AS id');
    await append(conn, dir, "SELECT 2::BIGINT AS id, 'x' AS tag", { mergeSchema: true });
    const snapshot = await loadSnapshot(dir);
    expect(await count(scanSql(snapshot, { predicate: where.isNull('tag') }).sql)).toBe(1);
    // The older file has no stats for `tag`, so it cannot be skipped (conservative), but no row of it matches.
    expect(scanSql(snapshot, { predicate: where.eq('tag', 'x') }).files).toHaveLength(2);
    expect(await count(scanSql(snapshot, { predicate: where.eq('tag', 'x') }).sql)).toBe(1);
  });
});

describe('interop', () => {
  it('writes checkpoint Parquet with the schema of the spec, column by column', async () => {
    const dir = newDir();
    for (let i = 0; i < 11; i++) await append(conn, dir, `SELECT ${i}::BIGINT AS id, 'p' AS part`, { partitionColumns: ['part'], txn: { appId: 'app', version: i } });
    const file = path.join(dir, '_delta_log', '00000000000000000010.checkpoint.parquet');
    const describe = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).getRowObjectsJson();
    const columns = Object.fromEntries(describe.map((r) => [r.column_name as string, r.column_type as string]));
    // PROTOCOL.md "Checkpoint Schema": nullable top-level structs with these fields and types.
    expect(Object.keys(columns)).toEqual(['txn', 'add', 'remove', 'metaData', 'protocol']);
    expect(columns.txn).toBe('STRUCT(appId VARCHAR, "version" BIGINT, lastUpdated BIGINT)');
    expect(columns.add).toBe(
      'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, tags MAP(VARCHAR, VARCHAR))',
    );
    expect(columns.remove).toBe(
      'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT)',
    );
    expect(columns.metaData).toBe(
      'STRUCT(id VARCHAR, "name" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, "options" MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], "configuration" MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
    );
    expect(columns.protocol).toBe('STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])');
    expect(Object.keys(CHECKPOINT_COLUMNS)).toEqual(Object.keys(columns));
    // One action per row, and the rows say what the log says.
    const rows = (await conn.runAndReadAll(`SELECT (txn IS NOT NULL)::INT + ("add" IS NOT NULL)::INT + (remove IS NOT NULL)::INT + (metaData IS NOT NULL)::INT + (protocol IS NOT NULL)::INT AS n, "add".partitionValues['part'] AS part, "add".stats AS stats, txn.version AS txn_version FROM read_parquet(${sqlString(file)})`)).getRowObjectsJson();
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.filter((r) => r.part === 'p')).toHaveLength(11);
    expect(rows.filter((r) => r.stats !== null).every((r) => JSON.parse(r.stats as string).numRecords === 1)).toBe(true);
    expect(rows.find((r) => r.txn_version !== null)?.txn_version).toBe('10');
  });
});
