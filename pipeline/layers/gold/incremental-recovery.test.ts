/**
 * Incremental gold when things go wrong: a run killed between gold tables (a real SIGKILL at an exact
 * commit, via CLICKLAKE_FAILPOINT) is finished by the next run, and a table without a usable base —
 * no recorded versions, a vacuumed base, stored rows that do not match their record — is rebuilt
 * whole. Every table ends equal to a full rebuild.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overwrite } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { vacuum } from '../../delta/vacuum';
import { runPipeline } from '../../run';
import { DERIVED_MODEL_NAMES, PERIOD_MODEL_NAMES } from '../../testing/gold-equality';
import { goldDir } from './gold';
import { incrementalLake, landEvents, modes, periodModes, type IncrementalLake } from './test-support';

const REPO = path.resolve(import.meta.dirname, '../../..');
let lake: IncrementalLake;

beforeAll(async () => {
  lake = await incrementalLake({ prefix: 'clicklake-incr-recovery-', events: 32_000, seed: 5, dirtyRate: 0, days: 8, initialDays: 4 });
}, 120_000);
afterAll(() => lake?.conn.closeSync());

const run = () => runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });

/** `clicklake run` in a child process, killed (SIGKILL) just after its commit to `table`. */
async function runKilledAfter(table: string): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'pipeline/cli.ts'), 'run', '--landing', lake.landingDir, '--lake', lake.lakeDir], {
    cwd: REPO,
    env: { ...process.env, CLICKLAKE_FAILPOINT: table },
    stdio: 'ignore',
  });
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

describe('incremental gold after a crash or without a usable base', () => {
  it('finishes a run killed between period tables, each table from its own base', async () => {
    lake.landDay(lake.days[4]);
    expect(await runKilledAfter('gold.cohort_retention')).toBe('SIGKILL');
    expect(await periodModes(lake.lakeDir)).toMatchObject({ user_summary: 'merge', cohort_retention: 'merge', session_distribution: 'rebuild', user_carryover: 'rebuild' });
    const summary = await run();
    expect(summary.silver.rowsOut).toBe(0);
    // The killed run never reached the serving tables derived from product_daily and user_summary either.
    expect(summary.gold.tables.map((t) => t.name)).toEqual([...PERIOD_MODEL_NAMES.slice(2), ...DERIVED_MODEL_NAMES]);
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    await lake.expectEqualToFullRebuild();
  }, 120_000);

  it('finishes a run killed among the daily tables (their dates come from the recorded versions)', async () => {
    lake.landDay(lake.days[5]);
    expect(await runKilledAfter('gold.session_facts')).toBe('SIGKILL');
    const summary = await run();
    expect(summary.silver.rowsOut).toBe(0);
    expect(summary.gold.datesRebuilt).toEqual([lake.days[5]]);
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    await lake.expectEqualToFullRebuild();
  }, 120_000);

  it('rebuilds the period tables whole when their base was vacuumed away', async () => {
    lake.landDay(lake.days[6]);
    // Late copies of a few events in new sessions: the 2019-10-02 partition of session_facts is replaced.
    await landEvents(lake.conn, lake.lakeDir, lake.landingDir, 'late.csv', "SELECT * REPLACE (user_session || '-late' AS user_session) FROM e WHERE event_date = DATE '2019-10-02' ORDER BY event_time LIMIT 3");
    expect(await runKilledAfter('gold.brand_daily')).toBe('SIGKILL');
    // The period tables still record the old session_facts version, whose replaced files vacuum deletes.
    const removed = await vacuum(goldDir(lake.lakeDir, 'session_facts'), { retentionHours: 0, force: true });
    expect(removed.files.length).toBeGreaterThan(0);
    await run();
    expect(await periodModes(lake.lakeDir)).toEqual(modes('rebuild'));
    const [last] = (await DeltaTable.open(goldDir(lake.lakeDir, 'user_summary'))).history({ limit: 1 });
    expect(last.operationParameters.reason).toMatch(/gold\.session_facts version \d+ were vacuumed/);
    await lake.expectEqualToFullRebuild();
  }, 120_000);

  it('rebuilds a table without recorded versions, and one whose rows do not match their record', async () => {
    // user_carryover as an older ClickLake wrote it: same rows, no lineage.
    const carryover = goldDir(lake.lakeDir, 'user_carryover');
    await lake.conn.run(`CREATE OR REPLACE TEMP TABLE saved AS ${scanSql(await (await DeltaTable.open(carryover)).snapshot()).sql}`);
    rmSync(carryover, { recursive: true });
    await overwrite(lake.conn, carryover, 'SELECT * FROM saved');
    // user_summary with every user's session count off by one, under its true record.
    const summaryDir = goldDir(lake.lakeDir, 'user_summary');
    const stored = await (await DeltaTable.open(summaryDir)).snapshot();
    const txns = [...stored.replayState.txns.values()].filter((t) => t.appId.startsWith('clicklake.gold@')).map((t) => ({ appId: t.appId, version: Number(t.version) }));
    await overwrite(lake.conn, summaryDir, `SELECT * REPLACE (sessions + 1 AS sessions) FROM (${scanSql(stored).sql})`, { txns });

    lake.landDay(lake.days[7]);
    await run();
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge', { user_summary: 'rebuild', user_carryover: 'rebuild' }));
    await lake.expectEqualToFullRebuild();
  }, 120_000);
});
