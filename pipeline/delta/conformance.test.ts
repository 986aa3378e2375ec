/**
 * Conformance against tables written by Spark, Databricks and delta-rs (fixtures/conformance,
 * MANIFEST.json): versions, protocols, schemas, rows, time travel and refusals must match.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeltaErrorCode, DeltaError } from './errors';
import { scanSql } from './scan';
import { deltaTypeToDuckDB, quoteIdentifier, typeToString } from './schema';
import { where } from './skipping';
import type { Snapshot } from './snapshot';
import { loadSnapshot } from './snapshot';
import { DeltaTable } from './table';
import { diffRows, makeTempDir } from './test-support';
import { parseTimestampMicros, sqlString } from './values';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'conformance');

interface ManifestTable {
  id: string;
  tier: 'core' | 'extra' | 'negative';
  table_root: string;
  latest_version: number | null;
  protocol: { minReaderVersion: number; minWriterVersion: number; readerFeatures?: string[]; writerFeatures?: string[] } | null;
  partition_columns?: string[];
  schema?: { name: string; type: string; nullable: boolean }[];
  expected?: Record<string, { rows_parquet_glob: string; row_count: number; version?: number }>;
  expected_row_count?: number | null;
  expected_inline?: Record<string, unknown>;
  time_travel?: {
    by_version?: Record<string, Record<string, unknown>>;
    by_timestamp?: { commit_file_mtimes_ms?: Record<string, number>; commit_file_mtimes?: Record<string, string>; cases?: Record<string, number> };
  };
  helper_derived?: { active_files?: number } | null;
  log_only?: boolean;
  expect_error?: boolean;
}

const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'MANIFEST.json'), 'utf8')) as { tables: ManifestTable[] };

/** The error each negative table must raise. */
const NEGATIVE_CODES: Record<string, DeltaErrorCode> = {
  'delta-golden/deltalog-invalid-protocol-version': 'UNSUPPORTED_PROTOCOL',
  'delta-golden/versions-not-contiguous': 'VERSION_GAP',
  'delta-golden/deltalog-state-reconstruction-without-protocol': 'MISSING_PROTOCOL',
  'delta-golden/deltalog-state-reconstruction-without-metadata': 'MISSING_METADATA',
  'delta-golden/no-delta-log-folder': 'NOT_A_TABLE',
  'delta-kernel-rs/table-with-dv-small': 'UNSUPPORTED_FEATURE',
};

/**
 * Expected-row adjustments documented in the manifest caveats: the golden parquet of
 * data-reader-partition-values was produced by Spark in a PST session, while the log stores the
 * zone-less partition value '2021-09-08 11:11:11', which we (like delta-kernel-rs) read as UTC.
 */
const EXPECTED_OVERRIDES: Record<string, Record<string, string>> = {
  'delta-golden/data-reader-partition-values': { as_timestamp: `"as_timestamp" - INTERVAL 7 HOUR` },
};

let root: string;
let conn: DuckDBConnection;

function tableDir(table: ManifestTable): string {
  return path.join(root, table.table_root);
}

function setMtimes(table: ManifestTable): void {
  const byTimestamp = table.time_travel?.by_timestamp;
  if (!byTimestamp) return;
  const entries: [string, number][] = [
    ...Object.entries(byTimestamp.commit_file_mtimes_ms ?? {}),
    ...Object.entries(byTimestamp.commit_file_mtimes ?? {}).map(([file, iso]): [string, number] => [file, Date.parse(iso)]),
  ];
  for (const [file, ms] of entries) {
    const full = path.join(tableDir(table), '_delta_log', file);
    fs.utimesSync(full, new Date(ms), new Date(ms));
  }
}

beforeAll(async () => {
  root = makeTempDir('conformance');
  fs.cpSync(FIXTURES, root, { recursive: true });
  for (const table of manifest.tables) setMtimes(table);
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});

afterAll(() => {
  conn?.closeSync();
  fs.rmSync(root, { recursive: true, force: true });
});

async function compareWithExpected(table: ManifestTable, snapshot: Snapshot, glob: string): Promise<void> {
  const ours = scanSql(snapshot).sql;
  const overrides = EXPECTED_OVERRIDES[table.id] ?? {};
  const columns = snapshot.schema.fields.map((f) => `CAST(${overrides[f.name] ?? quoteIdentifier(f.name)} AS ${deltaTypeToDuckDB(f.type)}) AS ${quoteIdentifier(f.name)}`);
  const expected = `SELECT ${columns.join(', ')} FROM read_parquet(${sqlString(path.join(root, glob))}, union_by_name = true)`;
  const diff = await diffRows(conn, ours, expected);
  expect(diff, `${table.id} v${snapshot.version}: rows differ`).toMatchObject({ onlyLeft: 0, onlyRight: 0 });
  expect(diff.left).toBe(diff.right);
}

async function rowCount(snapshot: Snapshot): Promise<number> {
  return Number((await conn.runAndReadAll(`SELECT count(*) FROM (${scanSql(snapshot).sql})`)).getRows()[0][0]);
}

/** Normalises a value for comparing inline expectations: timestamps as epoch micros, everything else as text. */
function normalise(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/.test(text)) return String(parseTimestampMicros(text.replace(/\+00$/, 'Z')));
  return text;
}

async function columnRows(snapshot: Snapshot, columns: string[]): Promise<string[]> {
  const sql = scanSql(snapshot, { columns }).sql;
  const rows = (await conn.runAndReadAll(sql)).getRowsJson();
  return rows.map((row) => row.map(normalise).join('|')).sort();
}

function inlineRows(columns: Record<string, unknown[]>): string[] {
  const names = Object.keys(columns);
  const n = columns[names[0]].length;
  return Array.from({ length: n }, (_, i) => names.map((name) => normalise(columns[name][i])).join('|')).sort();
}

function activeFileNames(snapshot: Snapshot): string[] {
  return snapshot.files.map((f) => f.path).sort();
}

function rangeIds(spec: string): number[] {
  const [from, to] = spec.split('..').map(Number);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

async function checkVersionExpectation(table: ManifestTable, snapshot: Snapshot, spec: Record<string, unknown>): Promise<void> {
  if (typeof spec.rows === 'number') expect(await rowCount(snapshot)).toBe(spec.rows);
  if (typeof spec.ids === 'string') {
    const ids = (await conn.runAndReadAll(`SELECT id FROM (${scanSql(snapshot).sql}) ORDER BY id`)).getRowsJson().map((r) => Number(r[0]));
    expect(ids).toEqual(rangeIds(spec.ids));
  }
  for (const key of ['rows_sorted', 'rows'] as const) {
    const columns = spec[key];
    if (columns && typeof columns === 'object' && !Array.isArray(columns)) {
      const names = Object.keys(columns);
      expect(await columnRows(snapshot, names), `${table.id} v${snapshot.version} ${key}`).toEqual(inlineRows(columns as Record<string, unknown[]>));
    }
  }
  if (Array.isArray(spec.active_files)) {
    const files = spec.active_files.map((f) => (typeof f === 'string' ? f : (f as { path: string }).path)).sort();
    expect(activeFileNames(snapshot)).toEqual(files);
  } else if (typeof spec.active_files === 'number') {
    expect(snapshot.files.length).toBe(spec.active_files);
  }
}

const positive = manifest.tables.filter((t) => t.tier !== 'negative');
const negative = manifest.tables.filter((t) => t.tier === 'negative');

describe('reads tables written by other engines', () => {
  it.each(positive.map((t) => [t.id, t] as const))('%s: version, protocol, schema and rows match', async (_id, table) => {
    const snapshot = await loadSnapshot(tableDir(table));
    const inline = table.expected_inline ?? {};
    const latest = typeof inline.latest_version === 'number' ? inline.latest_version : table.latest_version;
    expect(snapshot.version).toBe(latest);
    expect((await DeltaTable.open(tableDir(table))).latestVersion()).toBe(latest);
    if (table.protocol) expect(snapshot.protocol).toMatchObject(table.protocol);
    if (table.schema) {
      expect(snapshot.schema.fields.map((f) => ({ name: f.name, type: typeToString(f.type), nullable: f.nullable }))).toEqual(table.schema);
    }
    if (table.partition_columns) expect(snapshot.partitionColumns).toEqual(table.partition_columns);
    if (typeof table.helper_derived?.active_files === 'number') expect(snapshot.files.length).toBe(table.helper_derived.active_files);
    if (table.log_only) {
      await checkVersionExpectation(table, snapshot, inline);
      return;
    }
    const latestExpected = table.expected?.latest;
    if (latestExpected) await compareWithExpected(table, snapshot, latestExpected.rows_parquet_glob);
    if (typeof table.expected_row_count === 'number') expect(await rowCount(snapshot)).toBe(table.expected_row_count);
    await checkVersionExpectation(table, snapshot, inline);
  });
});

describe('time travel matches other engines', () => {
  const byVersion = positive.flatMap((t) => [
    ...Object.entries(t.expected ?? {})
      .filter(([key]) => key !== 'latest')
      .map(([key, spec]) => [`${t.id} ${key} (expected parquet)`, t, spec.version ?? Number(key.slice(1)), spec as Record<string, unknown>] as const),
    ...Object.entries(t.time_travel?.by_version ?? {}).map(([v, spec]) => [`${t.id} v${v}`, t, Number(v), spec] as const),
  ]);
  it.each(byVersion)('%s', async (_name, table, version, spec) => {
    const snapshot = await loadSnapshot(tableDir(table), { version });
    expect(snapshot.version).toBe(version);
    if (typeof spec.rows_parquet_glob === 'string') await compareWithExpected(table, snapshot, spec.rows_parquet_glob);
    else await checkVersionExpectation(table, snapshot, spec);
  });

  const byTimestamp = positive.flatMap((t) => {
    const spec = t.time_travel?.by_timestamp;
    if (!spec) return [];
    let cases = Object.entries(spec.cases ?? {}).map(([iso, v]) => [Date.parse(iso), v] as [number, number]);
    if (spec.commit_file_mtimes_ms && cases.length === 0) {
      // "ts in [v0,v1) -> 0; exactly v1 -> 1; >= v2 -> 2; < v0 -> error"
      const times = Object.values(spec.commit_file_mtimes_ms);
      cases = [
        [times[0], 0],
        [times[0] + 1000, 0],
        [times[1], 1],
        [times[2], 2],
        [times[2] + 3_600_000, 2],
        [times[0] - 1, -1],
      ];
    }
    return cases.map(([ms, v]) => [`${t.id} @ ${new Date(ms).toISOString()} → ${v}`, t, ms, v] as const);
  });
  it.each(byTimestamp)('%s', async (_name, table, ms, expected) => {
    const firstCommit = fs
      .readdirSync(path.join(tableDir(table), '_delta_log'))
      .filter((f) => /^\d{20}\.json$/.test(f))
      .sort()[0];
    const firstTime = fs.statSync(path.join(tableDir(table), '_delta_log', firstCommit)).mtimeMs;
    if (expected < 0 || ms < firstTime) {
      // Before the first commit Spark (and we) refuse; delta-rs returns its earliest version instead.
      await expect(loadSnapshot(tableDir(table), { timestamp: ms })).rejects.toMatchObject({ code: 'TIMESTAMP_NOT_FOUND' });
      return;
    }
    const snapshot = await loadSnapshot(tableDir(table), { timestamp: ms });
    expect(snapshot.version).toBe(expected);
  });
});

describe('refuses tables it cannot read', () => {
  it.each(negative.map((t) => [t.id, NEGATIVE_CODES[t.id], t] as const))('%s fails with %s', async (_id, code, table) => {
    expect(code).toBeDefined();
    const error = await loadSnapshot(tableDir(table)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeltaError);
    expect((error as DeltaError).code).toBe(code);
    expect((error as DeltaError).message).toContain(tableDir(table));
  });
});

describe('details other engines assert', () => {
  const dir = (id: string) => tableDir(manifest.tables.find((t) => t.id === id)!);

  it('keeps a file that is removed and re-added in later commits', async () => {
    const snapshot = await loadSnapshot(dir('delta-golden/delete-re-add-same-file-different-transactions'));
    expect(activeFileNames(snapshot)).toEqual(['bar', 'foo']);
    expect(snapshot.files.find((f) => f.path === 'foo')!.modificationTime).toBe(1700000000000);
  });

  it('reports the last transaction version per app id', async () => {
    const snapshot = await loadSnapshot(dir('delta-golden/deltalog-getChanges'));
    expect(snapshot.txnVersion('fakeAppId')).toBe(3);
    expect(snapshot.txnVersion('nonExistentAppId')).toBeUndefined();
  });

  it('decodes log paths exactly once and takes partition values from the log', async () => {
    const snapshot = await loadSnapshot(dir('delta-rs/delta-0.8.0-special-partition'));
    const byValue = new Map(snapshot.files.map((f) => [f.partitionValues.x, path.relative(snapshot.tableDir, f.absolutePath)]));
    expect([...byValue.keys()].sort()).toEqual(['A/A', 'B B']);
    expect(byValue.get('A/A')).toBe('x=A%2FA/part-00007-b350e235-2832-45df-9918-6cab4f7578f7.c000.snappy.parquet');
    expect(byValue.get('B B')).toBe('x=B%20B/part-00015-e9abbc6f-85e9-457b-be8e-e9f5b8a22890.c000.snappy.parquet');
  });

  it('prunes partitions like delta-rs does', async () => {
    const snapshot = await loadSnapshot(dir('delta-rs/delta-0.8.0-partitioned'));
    const pruned = snapshot.prune(where.and(where.eq('month', '2'), where.eq('year', '2020')));
    expect(pruned.files.map((f) => f.path).sort()).toEqual([
      'year=2020/month=2/day=3/part-00000-94d16827-f2fd-42cd-a060-f67ccc63ced9.c000.snappy.parquet',
      'year=2020/month=2/day=5/part-00000-89cdd4c8-2af7-4add-8ea3-3990b2f027b5.c000.snappy.parquet',
    ]);
    expect(pruned.skippedFiles).toBe(4);
  });

  it('reads stats from a checkpoint that only has stats_parsed', async () => {
    const snapshot = await loadSnapshot(dir('delta-rs/delta-1.2.1-only-struct-stats'), { version: 1 });
    expect(activeFileNames(snapshot)).toEqual(['part-00000-7a509247-4f58-4453-9202-51d75dee59af-c000.snappy.parquet']);
    const latest = await loadSnapshot(dir('delta-rs/delta-1.2.1-only-struct-stats'));
    const file = latest.files.find((f) => f.path === 'part-00000-7a509247-4f58-4453-9202-51d75dee59af-c000.snappy.parquet')!;
    expect(file.size).toBe(5489);
    expect(file.modificationTime).toBe(1666652373000);
    expect(file.stats).toMatchObject({
      numRecords: 1,
      minValues: { integer: 0, string: 'string', date: '2022-10-24', timestamp: '2022-10-24T22:59:32.846Z' },
      maxValues: { integer: 0 },
      nullCount: { null: 1 },
    });
    expect(Number(file.stats!.minValues!.decimal)).toBe(-5.678);
  });

  it('counts tombstones of a 2019 table', async () => {
    const snapshot = await loadSnapshot(dir('delta-rs/delta-0.2.0'));
    expect(snapshot.tombstones.length).toBe(4);
  });

  it('reads partitions of a multi-part checkpoint and an empty _last_checkpoint', async () => {
    expect((await loadSnapshot(dir('delta-golden/multi-part-checkpoint'))).files.length).toBe(10);
    expect((await loadSnapshot(dir('delta-golden/corrupted-last-checkpoint-kernel'))).version).toBe(11);
  });
});
