/** The `clicklake table …` commands end to end (real CLI processes): formats and exit codes. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { append } from '../delta';
import { makeTempDir } from '../delta/test-support';

const CLI = path.join(import.meta.dirname, '..', 'cli.ts');
let lake: string;
let events: string;

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  lake = makeTempDir('cli');
  events = path.join(lake, 'silver', 'events');
  const conn = await (await DuckDBInstance.create(':memory:')).connect();
  await append(
    conn,
    events,
    `SELECT 9007199254740993::BIGINT AS big, 1::INTEGER AS small, 12.50::DECIMAL(12,2) AS price, DATE '2019-10-01' AS event_date,
            TIMESTAMPTZ '2019-10-01 12:00:00.5+00' AS ts, TIMESTAMP '2019-10-01 12:00:00' AS ntz, '\\x01\\x02'::BLOB AS bin,
            {'a': 1} AS st, [1, 2] AS arr, MAP {'k': 'v'} AS m, 'x,"y"' AS s`,
    { partitionColumns: ['event_date'] },
  );
  await append(conn, events, `SELECT 2::BIGINT AS big, DATE '2019-10-02' AS event_date`);
  conn.closeSync();
});
afterAll(() => fs.rmSync(lake, { recursive: true, force: true }));

describe('clicklake table', () => {
  it('list --json names tables by layer', () => {
    const { code, stdout } = cli('table', 'list', '--lake', lake, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([{ name: 'silver.events', path: events, version: 1, numFiles: 2, numRecords: 2, sizeBytes: expect.any(Number) }]);
  });

  it('show --json prints the contract fields', () => {
    const { code, stdout } = cli('table', 'show', events, '--json', '--version', '0');
    expect(code).toBe(0);
    const shown = JSON.parse(stdout);
    expect(Object.keys(shown)).toEqual(['version', 'schema', 'partitionColumns', 'numFiles', 'numRecords', 'sizeBytes', 'protocol', 'configuration']);
    expect(shown).toMatchObject({ version: 0, partitionColumns: ['event_date'], numFiles: 1, numRecords: 1, protocol: { minReaderVersion: 3 } });
  });

  it('scan prints JSON lines in the DESIGN formats', () => {
    const { code, stdout } = cli('table', 'scan', events, '--version', '0');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim())).toEqual({
      big: '9007199254740993',
      small: 1,
      price: '12.50',
      event_date: '2019-10-01',
      ts: '2019-10-01T12:00:00.500Z',
      ntz: '2019-10-01T12:00:00.000',
      bin: 'AQI=',
      st: { a: 1 },
      arr: [1, 2],
      m: { k: 'v' },
      s: 'x,"y"',
    });
  });

  it('scan --format csv quotes and limits', () => {
    const { code, stdout } = cli('table', 'scan', events, '--format', 'csv', '--limit', '1', '--version', '0');
    expect(code).toBe(0);
    const [header, row, rest] = stdout.split('\n');
    expect(header).toBe('big,small,price,event_date,ts,ntz,bin,st,arr,m,s');
    expect(row).toContain('"x,""y"""');
    expect(rest).toBe('');
  });

  it('history lists versions newest first', () => {
    const { code, stdout } = cli('table', 'history', events, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).map((h: { version: number }) => h.version)).toEqual([1, 0]);
  });

  it('exits 2 with one line for bad input', () => {
    for (const args of [
      ['table', 'show', path.join(lake, 'nope')],
      ['table', 'show', events, '--version', '9'],
      ['table', 'show', events, '--version', '0', '--timestamp', '2020-01-01T00:00:00Z'],
      ['table', 'scan', events, '--format', 'xml'],
      ['table', 'vacuum', events, '--retain-hours', '1'],
    ]) {
      const { code, stderr } = cli(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
