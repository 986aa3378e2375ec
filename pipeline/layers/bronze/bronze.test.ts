/**
 * Bronze's three ways of reading a landing file — in place (clean file), plain pieces (clean but big
 * or gzipped) and numbered pieces (anything else) — must give the very same rows and line numbers.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '../../db';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { generateLanding } from '../../testing/test-lake';
import { TABLES, tableDir } from '../tables';
import { runBronze, type BronzeOptions } from './bronze';
import { cleanEventsSql } from './bronze-sql';
import { balancedPieceBytes, listLandingFiles, stageFile } from './landing';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let source: string;

beforeAll(async () => {
  instance = await openDuckDB({ memoryLimit: '2GB', threads: 2 });
  conn = await instance.connect();
  const generated = mkdtempSync(path.join(os.tmpdir(), 'clicklake-bronze-gen-'));
  generateLanding(generated, { events: 4000, days: 1, dirtyRate: 0, seed: 11 });
  source = path.join(generated, readdirSync(generated).find((f) => f.endsWith('.csv'))!);
});
afterAll(() => conn.closeSync());

function landing(files: Record<string, Buffer | string>): { landingDir: string; lakeDir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-bronze-'));
  const landingDir = path.join(root, 'landing');
  mkdirSync(landingDir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(landingDir, name), content);
  return { landingDir, lakeDir: path.join(root, 'lake') };
}

async function ingest(dirs: { landingDir: string; lakeDir: string }, staging: Partial<BronzeOptions> = {}, log: string[] = []) {
  return runBronze({ instance, ...dirs, batchId: 'b1', ingestedAt: new Date(0), log: (line) => log.push(line), ...staging });
}

/** Bronze rows without the batch stamp, in line order. */
async function bronzeRows(lakeDir: string): Promise<Array<Record<string, unknown>>> {
  const snapshot = await (await DeltaTable.open(tableDir(lakeDir, TABLES.bronzeEvents))).snapshot();
  return queryRows(conn, `SELECT * EXCLUDE (_batch_id, _ingested_at) FROM (${scanSql(snapshot).sql}) ORDER BY _source_line`);
}

describe('bronze reading paths', () => {
  it('reads a clean file in place, as plain pieces and as numbered pieces to identical rows', async () => {
    const content = readFileSync(source);
    const file = listLandingFiles(path.dirname(source)).find((f) => f.path === source)!;
    expect((await stageFile(file, os.tmpdir())).mode).toBe('direct');

    const direct = landing({ 'day.csv': content });
    const halves = landing({ 'day.csv': content });
    const plain = landing({ 'day.csv': content });
    const numbered = landing({ 'day.csv': content });
    const gz = landing({ 'day.csv.gz': gzipSync(content) });
    await ingest(direct);
    await ingest(halves, { splitMinBytes: 0 });
    await ingest(plain, { pieceBytes: 20_000, directMaxBytes: 0 });
    await ingest(numbered, { pieceBytes: 20_000, forceNumbered: true });
    await ingest(gz, { pieceBytes: 20_000 });

    const expected = await bronzeRows(numbered.lakeDir);
    const lines = content.toString('utf8').trimEnd().split('\n');
    expect(expected).toHaveLength(lines.length - 1);
    expect(expected[0]._source_line).toBe(2);
    expect(expected.at(-1)!._source_line).toBe(lines.length);
    expect(Object.values(expected[5]).slice(0, 9).join(',')).toBe(lines[6]);
    expect(await bronzeRows(direct.lakeDir)).toEqual(expected);
    expect(await bronzeRows(halves.lakeDir)).toEqual(expected);
    // A lone file read as two ranges of lines: one commit each, plus the table's creation.
    expect((await DeltaTable.open(tableDir(halves.lakeDir, TABLES.bronzeEvents))).latestVersion()).toBe(2);
    expect(await bronzeRows(plain.lakeDir)).toEqual(expected);
    expect((await bronzeRows(gz.lakeDir)).map((r) => ({ ...r, _source_file: 'day.csv' }))).toEqual(expected);
    // One commit per piece on the plain path: a resumed file starts after the last committed line.
    expect((await DeltaTable.open(tableDir(plain.lakeDir, TABLES.bronzeEvents))).latestVersion()).toBeGreaterThan(3);
  });

  it('reports progress from the start while one big file is read and committed piece by piece', async () => {
    const content = readFileSync(source);
    const dirs = landing({ 'big.csv': content, 'other.csv.gz': gzipSync(content) });
    const total = content.length + gzipSync(content).length;
    const reports: Array<[number, number]> = [];
    await ingest(dirs, { pieceBytes: 20_000, directMaxBytes: 0, onProgress: (done, of) => reports.push([done, of]) });
    // It starts at 0 (the stage's clock starts with it), never goes back, and reaches the total once, at the end.
    expect(reports[0]).toEqual([0, total]);
    expect(reports.every(([, of]) => of === total)).toBe(true);
    expect(reports.every(([done], i) => i === 0 || done > reports[i - 1][0])).toBe(true);
    expect(reports.filter(([done]) => done === total)).toHaveLength(1);
    expect(reports.at(-1)).toEqual([total, total]);
    // Reading (the first half of a file's share) and each piece's commit (the second) move it in between.
    const between = reports.filter(([done]) => done > 0 && done < total);
    expect(between.length).toBeGreaterThan(10);
    expect(between.some(([done]) => done > content.length / 2 && done < content.length)).toBe(true);

    // An empty landing directory reports nothing.
    const none: Array<[number, number]> = [];
    await ingest(landing({}), { onProgress: (done, of) => none.push([done, of]) });
    expect(none).toEqual([]);
  });

  it('stages a file unclean from its first chunk numbered in one pass, with a delimiter it lacks', async () => {
    // CRLF line ends (unclean from the first byte on) and a control byte 0x01 inside a brand further down.
    const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
    lines[200] = lines[200].replace(/,([^,]*),([^,]*),([^,]*),([^,]*)$/, ',x\u0001y,$2,$3,$4');
    const dirs = landing({ 'crlf.csv': `${lines.join('\r\n')}\r\n` });
    const file = listLandingFiles(dirs.landingDir)[0];
    const staged = await stageFile(file, mkdtempSync(path.join(os.tmpdir(), 'clicklake-stage-')), { pieceBytes: 40_000 });
    expect(staged.mode).toBe('numbered');
    expect(staged.delimiter).toBe(0x02);
    // Pieces of about equal size (the file is under the size where their count is made even).
    const sizes = staged.pieces.map((piece) => readFileSync(piece.path).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(2_000);

    await ingest(dirs, { pieceBytes: 40_000 });
    const rows = await bronzeRows(dirs.lakeDir);
    expect(rows).toHaveLength(lines.length - 1);
    expect(rows[199]._source_line).toBe(201);
    expect(rows[199].brand).toBe('x\u0001y');
    // CRLF ends lines: the carriage return is not part of the last field.
    expect(rows[0].user_session).toBe(lines[1].split(',')[8]);

    // A line of 8 fields in the last piece only: that piece's second read finds it; the pieces
    // before, every line a row, need none, and nothing is lost either way.
    const broken = [...lines];
    broken[broken.length - 3] = broken[broken.length - 3].replace(/,[^,]*$/, '');
    const brokenDirs = landing({ 'crlf.csv': `${broken.join('\r\n')}\r\n` });
    const result = await ingest(brokenDirs, { pieceBytes: 40_000 });
    expect(result.rejects).toBe(1);
    expect(result.rows).toBe(broken.length - 2);
    const rejects = await queryRows<{ _source_line: number; detail: string }>(
      conn,
      `SELECT _source_line, detail FROM (${scanSql(await (await DeltaTable.open(tableDir(brokenDirs.lakeDir, TABLES.bronzeRejects))).snapshot()).sql})`,
    );
    expect(rejects).toEqual([{ _source_line: broken.length - 2, detail: 'expected 9 fields, found 8' }]);
  });

  it('does not commit a clean read that stops short of the lines counted: it reads the file again, numbered', async () => {
    // The file shrinks after Node has read and counted it (a writer still at work on it): DuckDB's read
    // in place then ends early, which nothing else would notice.
    const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
    const dirs = landing({ 'day.csv': `${lines.join('\n')}\n` });
    const file = path.join(dirs.landingDir, 'day.csv');
    const kept = lines.slice(0, 1001);
    let shrunk = false;
    const log: string[] = [];
    const result = await ingest(
      dirs,
      {
        onProgress: (done) => {
          if (!shrunk && done > 0) {
            shrunk = true;
            writeFileSync(file, `${kept.join('\n')}\n`);
          }
        },
      },
      log,
    );
    expect(log.some((line) => /reached line 1001, not its last line \d+; reading it line by line instead/.test(line))).toBe(true);
    // What is committed is the file as it now reads, line for line.
    expect(result.rows).toBe(1000);
    const rows = await bronzeRows(dirs.lakeDir);
    expect(rows.map((r) => r._source_line)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 2));
  });

  it('cuts a file worth two readers into an even number of about equal pieces', async () => {
    // A gzip's pieces are sized from the size its trailer records; a plain file's from its size.
    const content = readFileSync(source);
    const dirs = landing({ 'day.csv.gz': gzipSync(content), 'day.csv': content });
    for (const file of listLandingFiles(dirs.landingDir)) {
      const staged = await stageFile(file, mkdtempSync(path.join(os.tmpdir(), 'clicklake-stage-')), { pieceBytes: 100_000, directMaxBytes: 0 });
      expect(staged.mode).toBe('plain');
      const sizes = staged.pieces.map((piece) => readFileSync(piece.path).length);
      expect(sizes).toHaveLength(Math.ceil(content.length / 100_000));
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(1_000);
    }

    const mb = 1 << 20;
    expect(balancedPieceBytes(184 * mb, 160 * mb)).toBe(92 * mb);
    expect(Math.ceil((5700 * mb) / balancedPieceBytes(5700 * mb, 160 * mb))).toBe(36);
    expect(balancedPieceBytes(20 * mb, 160 * mb)).toBe(20 * mb);
    expect(balancedPieceBytes(300_000, 20_000)).toBe(20_000);
    expect(balancedPieceBytes(310_000, 20_000)).toBe(19_375);
  });

  it('reads a range of lines resumed inside it up to its last line only', async () => {
    const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
    const params = { source_file: 'day.csv', batch_id: 'b', ingested_at: '1970-01-01', after: 100 };
    const first = await queryRows<{ _source_line: number; user_session: string }>(conn, cleanEventsSql({ path: source, firstLine: 1, lastLine: 500, hasHeader: true, range: true }), params);
    expect(first.map((r) => r._source_line)).toEqual(Array.from({ length: 400 }, (_, i) => i + 101));
    const second = await queryRows<{ _source_line: number; user_session: string }>(conn, cleanEventsSql({ path: source, firstLine: 501, hasHeader: false, range: true }), { ...params, after: 0 });
    expect(second[0]._source_line).toBe(501);
    expect(second.at(-1)!._source_line).toBe(lines.length);
    expect(second[0].user_session).toBe(lines[500].split(',')[8]);
  });

  it('falls back to the numbered path when a clean-looking line is not 9 fields, losing nothing', async () => {
    const content = readFileSync(source, 'utf8').trimEnd().split('\n');
    content.splice(100, 0, '2019-10-01 00:00:00 UTC,view,1,2', '');
    content.splice(300, 0, 'a,b,c,d,e,f,g,h,i,j,k');
    const text = `${content.join('\n')}\n`;
    const blank = landing({ 'day.csv': text });
    const log: string[] = [];
    const result = await ingest(blank, {}, log);
    expect(result.rejects).toBe(3);
    expect(result.rows + result.rejects).toBe(content.length - 1);
    const rows = await bronzeRows(blank.lakeDir);
    expect(rows.map((r) => r._source_line)).not.toContain(101);

    // A line of the wrong width in a file that has no blank line: DuckDB's strict read refuses it.
    const narrow = readFileSync(source, 'utf8').trimEnd().split('\n');
    narrow.splice(50, 0, '2019-10-01 00:00:00 UTC,view,1,2');
    const dirs = landing({ 'day.csv': `${narrow.join('\n')}\n` });
    const fallbackLog: string[] = [];
    const narrowResult = await ingest(dirs, { pieceBytes: 50_000, directMaxBytes: 0 }, fallbackLog);
    expect(fallbackLog.some((line) => /line by line/.test(line))).toBe(true);
    expect(narrowResult.rejects).toBe(1);
    expect(narrowResult.rows).toBe(narrow.length - 2);
    const narrowRows = await bronzeRows(dirs.lakeDir);
    const expectedLines = Array.from({ length: narrow.length }, (_, i) => i + 1).filter((n) => n !== 1 && n !== 51);
    expect(narrowRows.map((r) => r._source_line)).toEqual(expectedLines);

    // The same line in the first or the second of two ranges read in place.
    for (const at of [50, narrow.length - 50]) {
      const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
      lines.splice(at, 0, '2019-10-01 00:00:00 UTC,view,1,2');
      const halves = landing({ 'day.csv': `${lines.join('\n')}\n` });
      const halvesLog: string[] = [];
      const halvesResult = await ingest(halves, { splitMinBytes: 0 }, halvesLog);
      expect(halvesLog.some((line) => /line by line/.test(line))).toBe(true);
      expect(halvesResult).toMatchObject({ rows: lines.length - 2, rejects: 1 });
      const halvesRows = await bronzeRows(halves.lakeDir);
      expect(halvesRows.map((r) => r._source_line)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1).filter((n) => n !== 1 && n !== at + 1));
    }
  });

  it('ingests nothing twice: a second run skips the file, and a file grown by a copy is a changed file', async () => {
    const dirs = landing({ 'day.csv': readFileSync(source) });
    const first = await ingest(dirs);
    const again = await ingest(dirs);
    expect(again.files).toMatchObject([{ status: 'skipped' }]);
    expect(again.eventsVersion).toBe(first.eventsVersion);
    // Touched (a copy over it, a restore from backup): hashed again, recognised, and not read again.
    utimesSync(path.join(dirs.landingDir, 'day.csv'), new Date(), new Date(Date.now() + 60_000));
    const log: string[] = [];
    const touched = await ingest(dirs, {}, log);
    expect(touched.files).toMatchObject([{ status: 'skipped' }]);
    expect(touched.eventsVersion).toBe(first.eventsVersion);
    expect(log.filter((line) => line.startsWith('bronze: day.csv:'))).toEqual([]);
    appendFileSync(path.join(dirs.landingDir, 'day.csv'), '2019-10-01 00:00:00 UTC,view,1,2,,x,1.00,3,s\n');
    const changed = await ingest(dirs);
    expect(changed.files).toMatchObject([{ status: 'failed', code: 'changed_file' }]);
  });
});
