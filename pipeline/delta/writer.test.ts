/** Writer behaviour: types, stats, partitions, schema enforcement/evolution, checkpoints, time travel. */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLastCheckpoint } from './last-checkpoint';
import { append, overwrite, replacePartitions } from './operations';
import { scanSql } from './scan';
import { typeToString } from './schema';
import { loadSnapshot } from './snapshot';
import { DeltaTable } from './table';
import { diffRows, makeTempDir } from './test-support';
import { sqlString } from './values';

let root: string;
let conn: DuckDBConnection;
let counter = 0;
const newDir = () => path.join(root, `t${counter++}`);

beforeAll(async () => {
  root = makeTempDir('writer');
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  conn?.closeSync();
  fs.rmSync(root, { recursive: true, force: true });
});

async function scanRows(dir: string, version?: number) {
  const snapshot = await loadSnapshot(dir, { version });
  return (await conn.runAndReadAll(scanSql(snapshot).sql)).getRowObjectsJson();
}

/** Reads the snapshot's add files with nothing but DuckDB's read_parquet. */
async function plainDuckDBCount(dir: string): Promise<number> {
  const snapshot = await loadSnapshot(dir);
  if (snapshot.files.length === 0) return 0;
  const list = snapshot.files.map((f) => sqlString(f.absolutePath)).join(', ');
  return Number((await conn.runAndReadAll(`SELECT count(*) FROM read_parquet([${list}], union_by_name = true)`)).getRows()[0][0]);
}

const ALL_TYPES = `
  SELECT * FROM (VALUES
    ('text', 9007199254740993::BIGINT, 42::INTEGER, 7::SMALLINT, -3::TINYINT, 1.5::FLOAT, 2.25::DOUBLE, true, '\\xDE\\xAD'::BLOB,
     123.45::DECIMAL(12,2), DATE '2019-10-01', TIMESTAMPTZ '2019-10-01 12:34:56.789123+00', TIMESTAMP '2019-10-01 01:02:03.456789',
     {'a': 1::INTEGER, 'b': 'x'}, [1, 2, 3]::BIGINT[], MAP {'k': 1.5::DOUBLE}),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
  ) AS t(s, l, i, sh, b, f, d, bo, bin, dec, dt, ts, ntz, st, arr, m)`;

describe('writer', () => {
  it('round-trips every supported type', async () => {
    const dir = newDir();
    const result = await append(conn, dir, ALL_TYPES);
    expect(result).toMatchObject({ version: 0, numOutputRows: 2, skipped: false });
    const snapshot = await loadSnapshot(dir);
    expect(snapshot.schema.fields.map((f) => `${f.name}:${typeToString(f.type)}`)).toEqual([
      's:string',
      'l:long',
      'i:integer',
      'sh:short',
      'b:byte',
      'f:float',
      'd:double',
      'bo:boolean',
      'bin:binary',
      'dec:decimal(12,2)',
      'dt:date',
      'ts:timestamp',
      'ntz:timestamp_ntz',
      'st:struct<a:integer,b:string>',
      'arr:array<long>',
      'm:map<string,double>',
    ]);
    expect(snapshot.protocol).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] });
    const diff = await diffRows(conn, scanSql(snapshot).sql, ALL_TYPES);
    expect(diff).toMatchObject({ onlyLeft: 0, onlyRight: 0, left: 2 });
    expect(await plainDuckDBCount(dir)).toBe(2);
  });

  it('creates protocol 1/2 tables when no timestamp_ntz column is present', async () => {
    const dir = newDir();
    await append(conn, dir, 'SELECT 1::BIGINT AS id');
    expect((await loadSnapshot(dir)).protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
  });

  it('writes stats following the spec conventions', async () => {
    const dir = newDir();
    const long = 'x'.repeat(40);
    await append(
      conn,
      dir,
      `SELECT * FROM (VALUES
        (1::BIGINT, 'a', '${long}', TIMESTAMPTZ '2020-01-01 00:00:00.000400+00', {'n': 5::INTEGER}, true, 'p'),
        (9::BIGINT, NULL, 'b', TIMESTAMPTZ '2020-01-01 00:00:01.234567+00', {'n': NULL::INTEGER}, false, 'p')
      ) AS t(id, s, long_s, ts, st, flag, part)`,
      { partitionColumns: ['part'] },
    );
    const [file] = (await loadSnapshot(dir)).files;
    expect(JSON.parse(file.action.stats!)).toEqual({
      numRecords: 2,
      minValues: { id: 1, s: 'a', long_s: 'b', ts: '2020-01-01T00:00:00.000Z', st: { n: 5 } },
      maxValues: { id: 9, s: 'a', long_s: `${'x'.repeat(32)}\u{10FFFF}`, ts: '2020-01-01T00:00:01.235Z', st: { n: 5 } },
      nullCount: { id: 0, s: 1, long_s: 0, ts: 0, st: { n: 1 }, flag: 0 },
    });
  });

  it('stores awkward partition values in partitionValues and reads them back from there', async () => {
    const dir = newDir();
    const values = ['a b', 'a/b', '50%', 'x=y', 'ünï😈', null, '', 'q?#&+:'];
    const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : sqlString(v)})`).join(', ');
    await append(conn, dir, `SELECT id::BIGINT AS id, p FROM (VALUES ${rows}) AS t(id, p)`, { partitionColumns: ['p'] });
    const snapshot = await loadSnapshot(dir);
    const byId = new Map((await scanRows(dir)).map((r) => [Number(r.id), r.p]));
    values.forEach((v, i) => expect(byId.get(i)).toBe(v === '' ? null : v)); // the spec stores '' as null
    const slash = snapshot.files.find((f) => f.partitionValues.p === 'a/b')!;
    expect(slash.path.startsWith('p=a%252Fb/')).toBe(true);
    expect(fs.existsSync(slash.absolutePath)).toBe(true);
    expect(path.relative(dir, slash.absolutePath).startsWith('p=a%2Fb/')).toBe(true);
    for (const file of snapshot.files) expect(fs.existsSync(file.absolutePath)).toBe(true);
    expect(snapshot.files.filter((f) => f.partitionValues.p === null)).toHaveLength(2);
    expect(await plainDuckDBCount(dir)).toBe(values.length);
  });

  it('takes each file\'s partition values from the log, whatever its directory says', async () => {
    const dir = newDir();
    await append(conn, dir, "SELECT * FROM (VALUES (1::BIGINT, 'a'), (2::BIGINT, 'a'), (3::BIGINT, 'b'), (4::BIGINT, 'c')) AS t(id, p)", { partitionColumns: ['p'] });
    // A second commit files the rows of p=a/ under 'b' and those of p=b/ under 'a', without moving them.
    const swap: Record<string, string> = { a: 'b', b: 'a', c: 'c' };
    const now = Date.now();
    const adds = (await loadSnapshot(dir)).files.map((f) => ({
      add: { path: f.path, partitionValues: { p: swap[f.partitionValues.p!] }, size: f.size, modificationTime: now, dataChange: true, stats: JSON.stringify({ numRecords: f.numRecords }) },
    }));
    fs.writeFileSync(path.join(dir, '_delta_log', `${'1'.padStart(20, '0')}.json`), `${adds.map((a) => JSON.stringify(a)).join('\n')}\n`);
    const rows = (await scanRows(dir)).map((r) => [Number(r.id), r.p]).sort((x, y) => Number(x[0]) - Number(y[0]));
    expect(rows).toEqual([
      [1, 'b'],
      [2, 'b'],
      [3, 'a'],
      [4, 'c'],
    ]);
  });

  it('refuses data that does not fit the schema, naming the columns, and commits nothing', async () => {
    const dir = newDir();
    await append(conn, dir, 'SELECT 1::BIGINT AS id, 2::INTEGER AS n');
    const error = await append(conn, dir, "SELECT 'x' AS id, 1 AS extra").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SCHEMA_MISMATCH', exitCode: 2 });
    expect((error as Error).message).toContain("'id' is string but the table has long");
    expect((error as Error).message).toContain("'extra' is not in the table schema");
    expect((await DeltaTable.open(dir)).latestVersion()).toBe(0);
    // Lossless widening is accepted.
    await append(conn, dir, 'SELECT 3::INTEGER AS id, 4::SMALLINT AS n');
    expect(await scanRows(dir)).toHaveLength(2);
  });

  it('adds nullable columns with mergeSchema; older files read NULL', async () => {
    const dir = newDir();
    await append(conn, dir, 'SELECT 1::BIGINT AS id');
    await append(conn, dir, "SELECT 2::BIGINT AS id, 'new' AS extra", { mergeSchema: true });
    const snapshot = await loadSnapshot(dir);
    expect(snapshot.schema.fields.map((f) => [f.name, f.nullable])).toEqual([
      ['id', true],
      ['extra', true],
    ]);
    const rows = (await scanRows(dir)).sort((a, b) => Number(a.id) - Number(b.id));
    expect(rows).toEqual([
      { id: '1', extra: null },
      { id: '2', extra: 'new' },
    ]);
    expect(await scanRows(dir, 0)).toEqual([{ id: '1' }]);
  });

  it('writes a checkpoint every 10 commits and reads from it with later commits on top', async () => {
    const dir = newDir();
    for (let i = 0; i < 13; i++) await append(conn, dir, `SELECT ${i}::BIGINT AS id`);
    const log = path.join(dir, '_delta_log');
    expect(fs.existsSync(path.join(log, '00000000000000000010.checkpoint.parquet'))).toBe(true);
    expect(readLastCheckpoint(dir)).toMatchObject({ version: 10, numOfAddFiles: 11 });
    // Remove the commits the checkpoint covers: the table must still read the same.
    for (let v = 0; v <= 10; v++) fs.rmSync(path.join(log, `${String(v).padStart(20, '0')}.json`));
    const snapshot = await loadSnapshot(dir);
    expect(snapshot.version).toBe(12);
    expect((await scanRows(dir)).map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([...Array(13).keys()]);
    await expect(loadSnapshot(dir, { version: 5 })).rejects.toMatchObject({ code: 'VERSION_NOT_FOUND' });
  });

  it('falls back to listing when _last_checkpoint is stale or garbage', async () => {
    const dir = newDir();
    for (let i = 0; i < 11; i++) await append(conn, dir, `SELECT ${i}::BIGINT AS id`);
    fs.writeFileSync(path.join(dir, '_delta_log', '_last_checkpoint'), '{"version": 3, "si');
    expect((await loadSnapshot(dir)).numRecords).toBe(11);
  });

  it('travels to every version', async () => {
    const dir = newDir();
    for (let i = 0; i < 5; i++) await append(conn, dir, `SELECT ${i}::BIGINT * 10 + range AS id FROM range(${i + 1})`);
    for (let v = 0; v < 5; v++) {
      const expected = Array.from({ length: v + 1 }, (_, i) => Array.from({ length: i + 1 }, (_, k) => i * 10 + k)).flat();
      expect((await scanRows(dir, v)).map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(expected);
    }
  });

  it('replaces only the given partitions in one commit', async () => {
    const dir = newDir();
    await append(conn, dir, "SELECT range::BIGINT AS id, ['a','b','c'][range % 3 + 1] AS p FROM range(9)", { partitionColumns: ['p'] });
    const before = await loadSnapshot(dir);
    const result = await replacePartitions(conn, dir, "SELECT 100::BIGINT AS id, 'a' AS p UNION ALL SELECT 101, 'b'", { partitions: [{ p: 'a' }, { p: 'b' }] });
    expect(result).toMatchObject({ version: 1, numRemovedFiles: 2, numFiles: 2 });
    const rows = (await scanRows(dir)).map((r) => `${r.p}:${r.id}`).sort();
    expect(rows).toEqual(['a:100', 'b:101', 'c:2', 'c:5', 'c:8']);
    expect(before.files.filter((f) => f.partitionValues.p === 'c').map((f) => f.path)).toEqual(
      (await loadSnapshot(dir)).files.filter((f) => f.partitionValues.p === 'c').map((f) => f.path),
    );
    await expect(replacePartitions(conn, dir, "SELECT 1::BIGINT AS id, 'c' AS p", { partitions: [{ p: 'a' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await DeltaTable.open(dir)).latestVersion()).toBe(1);
  });

  it('overwrites rows, and the schema with overwriteSchema', async () => {
    const dir = newDir();
    await append(conn, dir, 'SELECT 1::BIGINT AS id');
    await overwrite(conn, dir, 'SELECT 2::BIGINT AS id');
    expect(await scanRows(dir)).toEqual([{ id: '2' }]);
    await expect(overwrite(conn, dir, "SELECT 'x' AS name")).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
    await overwrite(conn, dir, "SELECT 'x' AS name", { overwriteSchema: true });
    expect(await scanRows(dir)).toEqual([{ name: 'x' }]);
    expect(await scanRows(dir, 1)).toEqual([{ id: '2' }]);
  });

  it('commits an idempotent txn once', async () => {
    const dir = newDir();
    const first = await append(conn, dir, 'SELECT 1::BIGINT AS id', { txn: { appId: 'file-a', version: 1 } });
    const again = await append(conn, dir, 'SELECT 1::BIGINT AS id', { txn: { appId: 'file-a', version: 1 } });
    expect(first.skipped).toBe(false);
    expect(again).toMatchObject({ skipped: true, version: 0, numFiles: 0 });
    expect((await loadSnapshot(dir)).txnVersion('file-a')).toBe(1);
    expect(await scanRows(dir)).toHaveLength(1);
  });

  it('scans a table with no files as an empty result of the right types', async () => {
    const dir = newDir();
    await DeltaTable.create(dir, { schema: { type: 'struct', fields: [{ name: 'd', type: 'decimal(12,2)', nullable: true, metadata: {} }] } });
    const reader = await conn.runAndReadAll(scanSql(await loadSnapshot(dir)).sql);
    expect(reader.currentRowCount).toBe(0);
    expect(reader.columnTypes().map((t) => t.toString())).toEqual(['DECIMAL(12,2)']);
    await expect(DeltaTable.create(dir, { schema: { type: 'struct', fields: [] } })).rejects.toMatchObject({ code: 'TABLE_EXISTS' });
  });

  it('writes commitInfo with operation metrics and history lists it', async () => {
    const dir = newDir();
    await append(conn, dir, 'SELECT range::BIGINT AS id FROM range(10)');
    const [entry] = (await DeltaTable.open(dir)).history();
    expect(entry).toMatchObject({ version: 0, operation: 'WRITE', isBlindAppend: false, operationMetrics: { numFiles: '1', numOutputRows: '10' } });
    expect(entry.engineInfo).toMatch(/ClickLake/);
  });

  it('every table written above reads back with plain DuckDB over its add files', async () => {
    const dirs = fs.readdirSync(root).map((d) => path.join(root, d)).filter((d) => DeltaTable.exists(d));
    expect(dirs.length).toBeGreaterThan(10);
    for (const dir of dirs) {
      const snapshot = await loadSnapshot(dir);
      expect(await plainDuckDBCount(dir), dir).toBe(snapshot.numRecords);
    }
  });
});
