import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { queryRows, sqlString } from './db';
import { runPipeline } from './run';

const REPO = path.resolve(import.meta.dirname, '..');
const FILES = 6;
const ROWS_PER_FILE = 60_000;

/** Writes FILES landing files of unique, valid REES46 rows (one day each) with DuckDB. */
async function writeLanding(dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (let day = 0; day < FILES; day++) {
    const file = path.join(dir, `2019-10-0${day + 1}.csv`);
    await conn.run(`COPY (
      SELECT strftime(TIMESTAMP '2019-10-01' + INTERVAL (${day}) DAY + to_seconds(i * 86399 // ${ROWS_PER_FILE}), '%Y-%m-%d %H:%M:%S UTC') AS event_time,
        CASE WHEN i % 40 = 0 THEN 'purchase' WHEN i % 20 = 0 THEN 'cart' ELSE 'view' END AS event_type,
        1000 + i % 5000 AS product_id, 2053013555631882655 AS category_id, 'electronics.smartphone' AS category_code,
        'samsung' AS brand, printf('%.2f', 10 + (i % 1000) / 7.0) AS price, 500000000 + (i * 7 + ${day}) % 40000 AS user_id,
        'session-${day}-' || (i // 8) AS user_session
      FROM range(${ROWS_PER_FILE}) t(i)) TO ${sqlString(file)} (HEADER true)`);
  }
  conn.closeSync();
}

function versionsCommitted(table: string): number {
  const log = path.join(table, '_delta_log');
  return existsSync(log) ? readdirSync(log).filter((f) => f.endsWith('.json')).length : 0;
}

describe('a run killed mid-way', () => {
  it('leaves consistent tables and the next run finishes without ingesting anything twice', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-crash-'));
    const landingDir = path.join(root, 'landing');
    const lakeDir = path.join(root, 'lake');
    mkdirSync(landingDir);
    await writeLanding(landingDir);

    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'pipeline/cli.ts'), 'run', '--landing', landingDir, '--lake', lakeDir], {
      cwd: REPO,
      stdio: 'ignore',
    });
    // Kill it with SIGKILL once bronze has committed part of the landing files (but not all).
    const bronzeDir = path.join(lakeDir, 'bronze/events');
    const deadline = Date.now() + 120_000;
    while (versionsCommitted(bronzeDir) < 3 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const committedBeforeRestart = versionsCommitted(bronzeDir);
    expect(committedBeforeRestart).toBeGreaterThanOrEqual(3);

    const summary = await runPipeline({ landingDir, lakeDir });
    expect(summary.reconciliation).toMatchObject({ bronzeRows: FILES * ROWS_PER_FILE, rejects: 0, silverRows: FILES * ROWS_PER_FILE, duplicatesRemoved: 0, balanced: true });

    // Every source line exactly once in bronze, whatever was committed before the kill.
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const { scanSql } = await import('./delta/scan');
    const { DeltaTable } = await import('./delta/table');
    const bronze = await (await DeltaTable.open(bronzeDir)).snapshot();
    const [counts] = await queryRows<{ n: number; distinct_lines: number }>(
      conn,
      `SELECT count(*) AS n, count(DISTINCT (_source_file, _source_line)) AS distinct_lines FROM (${scanSql(bronze).sql})`,
    );
    expect(counts).toEqual({ n: FILES * ROWS_PER_FILE, distinct_lines: FILES * ROWS_PER_FILE });
    conn.closeSync();
  }, 300_000);
});
