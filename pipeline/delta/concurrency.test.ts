/** Concurrent writers and crashes with real processes: batches land exactly once, versions stay contiguous. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { append } from './operations';
import { scanSql } from './scan';
import { loadSnapshot } from './snapshot';
import { DeltaTable } from './table';
import { makeTempDir } from './test-support';
import { vacuum } from './vacuum';

const SCRIPT = path.join(import.meta.dirname, 'concurrency-writer.ts');
let root: string;
let conn: DuckDBConnection;

beforeAll(async () => {
  root = makeTempDir('concurrency');
  conn = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  conn?.closeSync();
  fs.rmSync(root, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; lines: string[]; done: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout!.on('data', (data: Buffer) => {
    buffer += data.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const done = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(stderr);
      resolve(code ?? -1);
    }),
  );
  return { child, lines, done };
}

async function batches(dir: string): Promise<Map<number, number>> {
  const rows = (await conn.runAndReadAll(`SELECT batch, count(*) AS n FROM (${scanSql(await loadSnapshot(dir)).sql}) GROUP BY batch`)).getRows();
  return new Map(rows.map((r) => [Number(r[0]), Number(r[1])]));
}

function commitVersions(dir: string): number[] {
  return fs
    .readdirSync(path.join(dir, '_delta_log'))
    .filter((f) => /^\d{20}\.json$/.test(f))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
}

async function until(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the writer');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('concurrent writer processes', () => {
  it('commit every batch exactly once with contiguous versions, racing to create the table', async () => {
    const dir = path.join(root, 'race');
    const writers = [0, 1, 2, 3].map((w) => start(['append', dir, ...[0, 1, 2].map((k) => String(w * 10 + k))]));
    expect(await Promise.all(writers.map((w) => w.done))).toEqual([0, 0, 0, 0]);
    const expected = [0, 1, 2, 3].flatMap((w) => [0, 1, 2].map((k) => w * 10 + k)).sort((a, b) => a - b);
    const found = await batches(dir);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual(expected);
    expect([...found.values()].every((n) => n === 10)).toBe(true);
    expect(commitVersions(dir)).toEqual([...Array(12).keys()]);
    const reported = writers.flatMap((w) => w.lines.map((l) => JSON.parse(l) as { version: number }).map((r) => r.version)).sort((a, b) => a - b);
    expect(reported).toEqual([...Array(12).keys()]);
    // Version 10 got its checkpoint from whichever writer committed it.
    expect(fs.existsSync(path.join(dir, '_delta_log', '00000000000000000010.checkpoint.parquet'))).toBe(true);
  });

  it('commits a batch once when the same txn is retried concurrently and later', async () => {
    const dir = path.join(root, 'txn');
    await append(conn, dir, 'SELECT -1::BIGINT AS batch, 0::BIGINT AS i');
    const writers = [0, 1, 2].map(() => start(['append', dir, '7', '--txn', 'landing-file-7:1']));
    expect(await Promise.all(writers.map((w) => w.done))).toEqual([0, 0, 0]);
    const results = writers.map((w) => JSON.parse(w.lines[0]) as { skipped: boolean });
    expect(results.filter((r) => !r.skipped)).toHaveLength(1);
    const retry = start(['append', dir, '7', '--txn', 'landing-file-7:1']);
    expect(await retry.done).toBe(0);
    expect(JSON.parse(retry.lines[0])).toMatchObject({ skipped: true });
    expect((await batches(dir)).get(7)).toBe(10);
    expect((await loadSnapshot(dir)).txnVersion('landing-file-7')).toBe(1);
  });
});

describe('crashing writers', () => {
  it('a writer SIGKILLed while appending leaves a readable table and no partial batch', async () => {
    const dir = path.join(root, 'killed');
    await append(conn, dir, 'SELECT -1::BIGINT AS batch, 0::BIGINT AS i');
    const writer = start(['loop', dir, '0']);
    await until(() => writer.lines.length >= 4);
    writer.child.kill('SIGKILL');
    await writer.done;
    const snapshot = await loadSnapshot(dir);
    const versions = commitVersions(dir);
    expect(versions).toEqual([...Array(versions.length).keys()]);
    expect(snapshot.version).toBe(versions.at(-1));
    const found = await batches(dir);
    found.delete(-1);
    // Every batch the log holds is whole, and every batch the writer reported committed is there.
    expect([...found.values()].every((n) => n === 10)).toBe(true);
    for (const line of writer.lines) expect(found.has((JSON.parse(line) as { batch: number }).batch)).toBe(true);
    // The table takes new commits after the crash.
    await append(conn, dir, 'SELECT 999::BIGINT AS batch, range::BIGINT AS i FROM range(10)');
    expect((await batches(dir)).get(999)).toBe(10);
  });

  it('a writer killed between writing its commit and publishing it commits nothing; vacuum finds its files', async () => {
    const dir = path.join(root, 'before-link');
    await append(conn, dir, 'SELECT -1::BIGINT AS batch, 0::BIGINT AS i');
    const writer = start(['crash-before-link', dir, '5']);
    await until(() => writer.lines.length >= 1);
    writer.child.kill('SIGKILL');
    await writer.done;
    const { files } = JSON.parse(writer.lines[0]) as { files: string[] };
    const table = await DeltaTable.open(dir);
    expect(table.latestVersion()).toBe(0);
    expect((await batches(dir)).has(5)).toBe(false);
    await append(conn, dir, 'SELECT 6::BIGINT AS batch, range::BIGINT AS i FROM range(10)');
    expect(commitVersions(dir)).toEqual([0, 1]);
    const dry = await vacuum(dir, { retentionHours: 0, dryRun: true, force: true });
    expect(dry.files).toEqual(files.sort());
  });
});
