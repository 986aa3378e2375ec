/**
 * Incremental gold on generated data: after every kind of batch, each gold table equals a full
 * rebuild from the same silver tables (a copy of the lake with gold rebuilt whole), and the period
 * tables got there by merging, not by rebuilding.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '../../db';
import { DeltaTable } from '../../delta/table';
import { runPipeline } from '../../run';
import { fullRebuildCopy, goldDifferences, goldTableSql } from '../../testing/gold-equality';
import { generateLanding } from '../../testing/test-lake';
import { landEvents, modes, periodModes } from './test-support';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-incr-'));
const generated = path.join(root, 'generated');
const landingDir = path.join(root, 'landing');
const lakeDir = path.join(root, 'lake');
const DAYS = ['2019-10-01', '2019-10-02', '2019-10-03', '2019-10-04', '2019-10-05', '2019-10-06'];

beforeAll(async () => {
  instance = await openDuckDB({ memoryLimit: '2GB', threads: 2 });
  conn = await instance.connect();
  generateLanding(generated, { events: 40_000, seed: 21, dirtyRate: 0.01, days: DAYS.length });
  mkdirSync(landingDir);
  for (const day of DAYS.slice(0, 5)) copyFileSync(path.join(generated, `${day}.csv`), path.join(landingDir, `${day}.csv`));
  await runPipeline({ landingDir, lakeDir, instance });
}, 120_000);
afterAll(() => conn?.closeSync());

/** Lands the rows and says how many there were. */
async function landRows(name: string, rows: string): Promise<number> {
  await landEvents(conn, lakeDir, landingDir, name, rows);
  return readFileSync(path.join(landingDir, name), 'utf8').trim().split('\n').length - 1;
}

async function rowCount(table: string): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${await goldTableSql(lakeDir, table)}`);
  return n;
}

/** Sessions of one date with one user on one date, in a fixed order. */
const regularSessions = (date: string) => `
  SELECT user_session, any_value(user_id) AS user_id, min(event_time) AS started_at, max(event_time) AS ended_at, arg_min(product_id, event_time) AS product_id
  FROM e WHERE user_session IN (SELECT user_session FROM e GROUP BY 1 HAVING count(DISTINCT user_id) = 1 AND count(DISTINCT event_date) = 1)
    AND event_date = DATE '${date}' AND hour(event_time) BETWEEN 2 AND 21
  GROUP BY user_session ORDER BY user_session`;

/** One event of product_id's catalogue attributes, at `at`, for `user` in `session`. */
const eventLike = (type: string, at: string, user: string, session: string) => `
  SELECT ${at} AS event_time, '${type}' AS event_type, p.product_id, p.category_id, p.category_code, p.brand, p.price, ${user} AS user_id, ${session} AS user_session
  FROM (SELECT * FROM e QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY event_time) = 1) p`;

async function expectEqualToFullRebuild(): Promise<void> {
  const copy = await fullRebuildCopy(instance, lakeDir);
  const differences = await goldDifferences(conn, lakeDir, copy);
  expect(differences).toEqual(Object.fromEntries(Object.keys(differences).map((name) => [name, 0])));
}

describe('incremental gold', () => {
  it('starts from a full build that records its input versions', async () => {
    expect(await periodModes(lakeDir)).toEqual(modes('rebuild'));
    await expectEqualToFullRebuild();
  });

  it('merges a new day whose sessions continue sessions of earlier days', async () => {
    copyFileSync(path.join(generated, '2019-10-06.csv'), path.join(landingDir, '2019-10-06.csv'));
    // Sessions of 2019-10-05 that go on after midnight: by their own user, by a user never seen, and a
    // purchase that turns a browsing user into a buyer.
    const multiDay = await rowCount('multi_day_sessions');
    const landed = await landRows(
      'continuations.csv',
      `WITH s AS (${regularSessions('2019-10-05')}), n AS (SELECT *, row_number() OVER () AS i FROM s)
       SELECT x.* FROM n, LATERAL (${eventLike('view', "TIMESTAMPTZ '2019-10-06 00:20:00+00' + to_seconds(n.i)", 'n.user_id', 'n.user_session')} WHERE p.product_id = n.product_id) x WHERE n.i <= 4
       UNION ALL
       SELECT x.* FROM n, LATERAL (${eventLike('cart', "TIMESTAMPTZ '2019-10-06 00:30:00+00' + to_seconds(n.i)", '900000000 + n.i', 'n.user_session')} WHERE p.product_id = n.product_id) x WHERE n.i BETWEEN 5 AND 7
       UNION ALL
       SELECT x.* FROM n, LATERAL (${eventLike('purchase', "TIMESTAMPTZ '2019-10-06 00:40:00+00' + to_seconds(n.i)", 'n.user_id', "'late-purchase-' || n.i")} WHERE p.product_id = n.product_id) x
       WHERE n.i BETWEEN 8 AND 10 AND n.user_id NOT IN (SELECT user_id FROM e WHERE event_type = 'purchase')`,
    );
    expect(landed).toBeGreaterThanOrEqual(8);
    const summary = await runPipeline({ landingDir, lakeDir, instance });
    expect(summary.gold.datesRebuilt).toEqual(['2019-10-06']);
    expect(await rowCount('multi_day_sessions')).toBeGreaterThanOrEqual(multiDay + 2 * 7);
    expect(await periodModes(lakeDir)).toEqual(modes('merge'));
    await expectEqualToFullRebuild();
  });

  it('merges late rows for older dates, including a session that moves to another user', async () => {
    const irregular = await rowCount('irregular_session_facts');
    const landed = await landRows(
      'late.csv',
      `WITH s AS (${regularSessions('2019-10-02')}), n AS (SELECT *, row_number() OVER () AS i FROM s),
       other AS (SELECT user_id FROM n WHERE i = 50)
       -- An event before the session's first, by another user: the session's user (its first event's) changes.
       SELECT x.* FROM n, other o, LATERAL (${eventLike('view', 'n.started_at - INTERVAL 30 SECOND', 'o.user_id', 'n.user_session')} WHERE p.product_id = n.product_id) x WHERE n.i <= 3
       UNION ALL
       -- A second user later in a session of the same date.
       SELECT x.* FROM n, other o, LATERAL (${eventLike('cart', 'n.ended_at + INTERVAL 1 SECOND', 'o.user_id', 'n.user_session')} WHERE p.product_id = n.product_id) x WHERE n.i BETWEEN 4 AND 5
       UNION ALL
       -- New sessions on the first day: an existing user becomes active earlier (a new cohort week), and a new user.
       SELECT x.* FROM n, LATERAL (${eventLike('purchase', "TIMESTAMPTZ '2019-09-30 23:00:00+00' + to_seconds(n.i)", 'CASE WHEN n.i = 6 THEN n.user_id ELSE 910000000 + n.i END', "'early-' || n.i")} WHERE p.product_id = n.product_id) x
       WHERE n.i BETWEEN 6 AND 7`,
    );
    expect(landed).toBe(7);
    const summary = await runPipeline({ landingDir, lakeDir, instance });
    expect(await rowCount('irregular_session_facts')).toBeGreaterThan(irregular);
    expect(summary.gold.datesRebuilt).toEqual(['2019-09-30', '2019-10-02']);
    expect(await periodModes(lakeDir)).toEqual(modes('merge'));
    await expectEqualToFullRebuild();
  });

  it('only moves the recorded versions forward for a batch of duplicates', async () => {
    copyFileSync(path.join(generated, '2019-10-03.csv'), path.join(landingDir, 'again-2019-10-03.csv'));
    const summary = await runPipeline({ landingDir, lakeDir, instance });
    expect(summary.silver.rowsOut).toBe(0);
    expect(summary.gold.datesRebuilt).toEqual([]);
    expect(await periodModes(lakeDir)).toEqual(modes('advance'));
    await expectEqualToFullRebuild();
  });

  it('commits nothing to gold when nothing changed', async () => {
    const versions = async () => Promise.all(readdirSync(path.join(lakeDir, 'gold')).map(async (t) => (await DeltaTable.open(path.join(lakeDir, 'gold', t))).latestVersion()));
    const before = await versions();
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await versions()).toEqual(before);
  });
});
