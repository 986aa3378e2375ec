/**
 * silver.sessions written before it carried session_key (an older ClickLake) is rebuilt once with it,
 * whether or not the run has new events, and gold then reads the key from it: every gold table still
 * equals a full rebuild.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db';
import { overwrite } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { runPipeline } from '../../run';
import { incrementalLake, type IncrementalLake } from '../gold/test-support';
import { sessionKeySql } from '../session-key';
import { TABLES, tableDir } from '../tables';
import { SILVER_APP_ID } from './silver';

let lake: IncrementalLake;
let sessionsDir: string;

beforeAll(async () => {
  lake = await incrementalLake({ prefix: 'clicklake-sessions-key-', events: 12_000, seed: 5, dirtyRate: 0, days: 3, initialDays: 2 });
  sessionsDir = tableDir(lake.lakeDir, TABLES.silverSessions);
}, 120_000);
afterAll(() => lake?.conn.closeSync());

const sessionsSql = async () => scanSql(await (await DeltaTable.open(sessionsDir)).snapshot()).sql;

/** Rewrites silver.sessions as an older ClickLake left it: the same rows, no session_key, the same txn. */
async function stripSessionKey(): Promise<void> {
  const snapshot = await (await DeltaTable.open(sessionsDir)).snapshot();
  const txn = { appId: SILVER_APP_ID, version: snapshot.txnVersion(SILVER_APP_ID)! };
  await overwrite(lake.conn, sessionsDir, `SELECT * EXCLUDE (session_key) FROM (${scanSql(snapshot).sql})`, { txns: [txn], overwriteSchema: true });
  const stripped = await (await DeltaTable.open(sessionsDir)).snapshot();
  expect(stripped.schema.fields.map((f) => f.name)).not.toContain('session_key');
}

/** Every session_key is its session's key, and the other columns are `before`'s rows (a table name). */
async function expectKeyedSessions(before: string): Promise<void> {
  const [row] = await queryRows<{ wrong: number; missing: number; extra: number }>(
    lake.conn,
    `WITH now AS (${await sessionsSql()})
     SELECT (SELECT count(*) FROM now WHERE session_key IS DISTINCT FROM ${sessionKeySql('user_session')}) AS wrong,
       (SELECT count(*) FROM (SELECT * FROM ${before} EXCEPT ALL SELECT * EXCLUDE (session_key) FROM now)) AS missing,
       (SELECT count(*) FROM (SELECT * EXCLUDE (session_key) FROM now EXCEPT ALL SELECT * FROM ${before})) AS extra`,
  );
  expect(row).toEqual({ wrong: 0, missing: 0, extra: 0 });
}

describe('silver.sessions without session_key', () => {
  it('gets it on a run without new events, rows otherwise unchanged', async () => {
    await lake.conn.run(`CREATE TEMP TABLE sessions_before AS SELECT * EXCLUDE (session_key) FROM (${await sessionsSql()})`);
    await stripSessionKey();
    const log: string[] = [];
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance, log: (line) => log.push(line) });
    expect(log.some((line) => /sessions lack session_key/.test(line))).toBe(true);
    await expectKeyedSessions('sessions_before');
    await lake.expectEqualToFullRebuild();
  });

  it('gets it on a run with a new day, and gold merges that day as a rebuild would', async () => {
    await stripSessionKey();
    lake.landDay(lake.days[2]);
    const log: string[] = [];
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance, log: (line) => log.push(line) });
    expect(log.some((line) => /adding the session_key column/.test(line))).toBe(true);
    const [{ n }] = await queryRows<{ n: number }>(lake.conn, `SELECT count(*) AS n FROM (${await sessionsSql()}) WHERE session_start_date = DATE '${lake.days[2]}'`);
    expect(n).toBeGreaterThan(0);
    await lake.conn.run(`CREATE OR REPLACE TEMP TABLE sessions_now AS SELECT * EXCLUDE (session_key) FROM (${await sessionsSql()})`);
    await expectKeyedSessions('sessions_now');
    await lake.expectEqualToFullRebuild();
  });
});
