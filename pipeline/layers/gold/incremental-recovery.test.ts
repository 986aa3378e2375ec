/**
 * Incremental gold when things go wrong: a run killed between gold tables (a real SIGKILL at an exact
 * commit, via CLICKLAKE_FAILPOINT) is finished by the next run, and a table without a usable base —
 * no recorded versions, a vacuumed base, stored rows that do not match their record — is rebuilt
 * whole. Every table ends equal to a full rebuild.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB } from '../../db';
import { overwrite } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { vacuum } from '../../delta/vacuum';
import { runPipeline } from '../../run';
import { fullRebuildCopy, goldDifferences, PERIOD_MODEL_NAMES } from '../../testing/gold-equality';
import { generateLanding } from '../../testing/test-lake';
import { goldDir } from './gold';
import { landEvents, modes, periodModes } from './test-support';

const REPO = path.resolve(import.meta.dirname, '../../..');
let instance: DuckDBInstance;
let conn: DuckDBConnection;
const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-incr-recovery-'));
const generated = path.join(root, 'generated');
const landingDir = path.join(root, 'landing');
const lakeDir = path.join(root, 'lake');
const DAYS = Array.from({ length: 8 }, (_, i) => `2019-10-0${i + 1}`);

beforeAll(async () => {
  instance = await openDuckDB({ memoryLimit: '2GB', threads: 2 });
  conn = await instance.connect();
  generateLanding(generated, { events: 32_000, seed: 5, dirtyRate: 0, days: DAYS.length });
  mkdirSync(landingDir);
  for (const day of DAYS.slice(0, 4)) landDay(day);
  await runPipeline({ landingDir, lakeDir, instance });
}, 120_000);
afterAll(() => conn?.closeSync());

function landDay(day: string): void {
  copyFileSync(path.join(generated, `${day}.csv`), path.join(landingDir, `${day}.csv`));
}

/** `clicklake run` in a child process, killed (SIGKILL) just after its commit to `table`. */
async function runKilledAfter(table: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'pipeline/cli.ts'), 'run', '--landing', landingDir, '--lake', lakeDir], {
    cwd: REPO,
    env: { ...process.env, CLICKLAKE_FAILPOINT: table },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

async function expectEqualToFullRebuild(): Promise<void> {
  const copy = await fullRebuildCopy(instance, lakeDir);
  const differences = await goldDifferences(conn, lakeDir, copy);
  expect(differences).toEqual(Object.fromEntries(Object.keys(differences).map((name) => [name, 0])));
}

describe('incremental gold after a crash or without a usable base', () => {
  it('finishes a run killed between period tables, each table from its own base', async () => {
    landDay(DAYS[4]);
    expect(await runKilledAfter('gold.cohort_retention')).toBe('SIGKILL');
    expect(await periodModes(lakeDir)).toMatchObject({ user_summary: 'merge', cohort_retention: 'merge', session_distribution: 'rebuild', user_carryover: 'rebuild' });
    const summary = await runPipeline({ landingDir, lakeDir, instance });
    expect(summary.silver.rowsOut).toBe(0);
    expect(summary.gold.tables.map((t) => t.name)).toEqual(PERIOD_MODEL_NAMES.slice(2));
    expect(await periodModes(lakeDir)).toEqual(modes('merge'));
    await expectEqualToFullRebuild();
  }, 120_000);

  it('finishes a run killed among the daily tables (their dates come from the recorded versions)', async () => {
    landDay(DAYS[5]);
    expect(await runKilledAfter('gold.session_facts')).toBe('SIGKILL');
    const summary = await runPipeline({ landingDir, lakeDir, instance });
    expect(summary.silver.rowsOut).toBe(0);
    expect(summary.gold.datesRebuilt).toEqual([DAYS[5]]);
    expect(await periodModes(lakeDir)).toEqual(modes('merge'));
    await expectEqualToFullRebuild();
  }, 120_000);

  it('rebuilds the period tables whole when their base was vacuumed away', async () => {
    landDay(DAYS[6]);
    // Late copies of a few events in new sessions: the 2019-10-02 partition of session_facts is replaced.
    await landEvents(conn, lakeDir, landingDir, 'late.csv', "SELECT * REPLACE (user_session || '-late' AS user_session) FROM e WHERE event_date = DATE '2019-10-02' ORDER BY event_time LIMIT 3");
    expect(await runKilledAfter('gold.brand_daily')).toBe('SIGKILL');
    // The period tables still record the old session_facts version, whose replaced files vacuum deletes.
    const removed = await vacuum(goldDir(lakeDir, 'session_facts'), { retentionHours: 0, force: true });
    expect(removed.files.length).toBeGreaterThan(0);
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await periodModes(lakeDir)).toEqual(modes('rebuild'));
    const [last] = (await DeltaTable.open(goldDir(lakeDir, 'user_summary'))).history({ limit: 1 });
    expect(last.operationParameters.reason).toMatch(/gold\.session_facts version \d+ were vacuumed/);
    await expectEqualToFullRebuild();
  }, 120_000);

  it('rebuilds a table without recorded versions, and one whose rows do not match their record', async () => {
    // user_carryover as an older ClickLake wrote it: same rows, no lineage.
    const carryover = goldDir(lakeDir, 'user_carryover');
    await conn.run(`CREATE OR REPLACE TEMP TABLE saved AS ${scanSql(await (await DeltaTable.open(carryover)).snapshot()).sql}`);
    rmSync(carryover, { recursive: true });
    await overwrite(conn, carryover, 'SELECT * FROM saved');
    // user_summary with every user's session count off by one, under its true record.
    const summaryDir = goldDir(lakeDir, 'user_summary');
    const stored = await (await DeltaTable.open(summaryDir)).snapshot();
    const txns = [...stored.replayState.txns.values()].filter((t) => t.appId.startsWith('clicklake.gold@')).map((t) => ({ appId: t.appId, version: Number(t.version) }));
    await overwrite(conn, summaryDir, `SELECT * REPLACE (sessions + 1 AS sessions) FROM (${scanSql(stored).sql})`, { txns });

    landDay(DAYS[7]);
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await periodModes(lakeDir)).toEqual(modes('merge', { user_summary: 'rebuild', user_carryover: 'rebuild' }));
    await expectEqualToFullRebuild();
  }, 120_000);
});
