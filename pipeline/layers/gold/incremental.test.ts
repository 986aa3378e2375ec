/**
 * Incremental gold on generated data: after every kind of batch, each gold table equals a full
 * rebuild from the same silver tables (a copy of the lake with gold rebuilt whole), and the period
 * tables got there by merging, not by rebuilding.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db';
import { overwrite } from '../../delta/operations';
import { optimize } from '../../delta/optimize';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { runPipeline } from '../../run';
import { goldTableSql } from '../../testing/gold-equality';
import { goldDir } from './gold';
import { additiveWrites, incrementalLake, landEvents, modes, periodModes, type IncrementalLake } from './test-support';

let lake: IncrementalLake;

const ADDITIVE_WRITES = (write: string) => ({ session_distribution: write, distinct_carryover: write, user_carryover: write });

beforeAll(async () => {
  lake = await incrementalLake({ prefix: 'clicklake-incr-', events: 40_000, seed: 21, dirtyRate: 0.01, days: 6, initialDays: 5 });
}, 120_000);
afterAll(() => lake?.conn.closeSync());

/** Lands the rows and says how many there were. */
async function landRows(name: string, rows: string): Promise<number> {
  await landEvents(lake.conn, lake.lakeDir, lake.landingDir, name, rows);
  return readFileSync(path.join(lake.landingDir, name), 'utf8').trim().split('\n').length - 1;
}

async function rowCount(table: string): Promise<number> {
  const [{ n }] = await queryRows<{ n: number }>(lake.conn, `SELECT count(*) AS n FROM ${await goldTableSql(lake.lakeDir, table)}`);
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

describe('incremental gold', () => {
  it('starts from a full build that records its input versions', async () => {
    expect(await periodModes(lake.lakeDir)).toEqual(modes('rebuild'));
    await lake.expectEqualToFullRebuild();
  });

  it('merges a new day whose sessions continue sessions of earlier days', async () => {
    lake.landDay('2019-10-06');
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
    const summary = await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(summary.gold.datesRebuilt).toEqual(['2019-10-06']);
    expect(await rowCount('multi_day_sessions')).toBeGreaterThanOrEqual(multiDay + 2 * 7);
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    // A sixth of the events at once: appending the change would grow the additive tables too much.
    expect(await additiveWrites(lake.lakeDir)).toEqual(ADDITIVE_WRITES('overwrite'));
    await lake.expectEqualToFullRebuild();
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
    const summary = await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await rowCount('irregular_session_facts')).toBeGreaterThan(irregular);
    expect(summary.gold.datesRebuilt).toEqual(['2019-09-30', '2019-10-02']);
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    expect(await additiveWrites(lake.lakeDir)).toEqual(ADDITIVE_WRITES('append'));
    await lake.expectEqualToFullRebuild();
  });

  it('merges a batch of a user whose events are also in another user’s session, which the batch leaves alone', async () => {
    // The guest's facts include that session: it is irregular (several users) although neither it nor
    // the user it is filed under is touched, and the guest's irregular_session_facts rows must follow.
    const landed = await landRows(
      'guest.csv',
      `WITH filed AS (SELECT user_session, arg_min(user_id, event_time) AS host FROM e GROUP BY 1 HAVING count(DISTINCT user_id) > 1),
       guest AS (SELECT min(e.user_id) AS user_id FROM e JOIN filed f USING (user_session) WHERE e.user_id <> f.host)
       SELECT x.* FROM guest g, LATERAL (${eventLike('cart', "TIMESTAMPTZ '2019-10-06 12:00:00+00'", 'g.user_id', "'guest-again'")} WHERE p.product_id = (SELECT min(product_id) FROM e)) x`,
    );
    expect(landed).toBe(1);
    const irregular = await rowCount('irregular_session_facts');
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await rowCount('irregular_session_facts')).toBe(irregular + 1);
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    expect(await additiveWrites(lake.lakeDir)).toEqual(ADDITIVE_WRITES('append'));
    await lake.expectEqualToFullRebuild();
  });

  it('merges a batch that continues shared sessions on a new date, where only the other user had put something in the cart', async () => {
    // The touched users' facts miss those carts (the other user is untouched): multi_day_sessions must
    // still flag the cart on the first date.
    const landed = await landRows(
      'shared.csv',
      `WITH hosts AS (SELECT user_session, arg_min(user_id, event_time) AS host FROM e GROUP BY 1 HAVING count(DISTINCT user_id) > 1 AND count(DISTINCT event_date) = 1),
       carted AS (
         SELECT user_session, h.host FROM e JOIN hosts h USING (user_session) GROUP BY ALL
         HAVING count(*) FILTER (WHERE e.user_id <> h.host AND e.event_type = 'cart') > 0 AND count(*) FILTER (WHERE e.user_id = h.host AND e.event_type = 'cart') = 0
       )
       SELECT x.* FROM carted c, LATERAL (${eventLike('view', "TIMESTAMPTZ '2019-10-07 01:00:00+00'", 'c.host', 'c.user_session')} WHERE p.product_id = (SELECT min(product_id) FROM e)) x`,
    );
    expect(landed).toBeGreaterThanOrEqual(1);
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    await lake.expectEqualToFullRebuild();
  });

  it('keeps merging period tables that `table optimize` rearranged (their rows are unchanged)', async () => {
    const dirs = ['user_carryover', 'user_summary'].map((name) => goldDir(lake.lakeDir, name));
    const carryover = await optimize(lake.conn, dirs[0]);
    expect(carryover.numFilesRemoved).toBeGreaterThan(1);
    await optimize(lake.conn, dirs[1], { clusterBy: ['user_key'] });
    for (const dir of dirs) expect((await DeltaTable.open(dir)).history({ limit: 1 })[0].operation).toBe('OPTIMIZE');
    await landRows(
      'after-optimize.csv',
      `SELECT x.* FROM (SELECT user_id, product_id FROM e WHERE event_date = DATE '2019-10-04' ORDER BY event_time LIMIT 1) u,
       LATERAL (${eventLike('purchase', "TIMESTAMPTZ '2019-10-04 23:30:00+00'", 'u.user_id', "'after-optimize'")} WHERE p.product_id = u.product_id) x`,
    );
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge'));
    await lake.expectEqualToFullRebuild();
  });

  it('compacts an additive table once appended changes fill many files', async () => {
    const table = () => DeltaTable.open(goldDir(lake.lakeDir, 'user_carryover')).then((t) => t.snapshot());
    const before = await table();
    expect(before.files.length).toBeGreaterThan(1);
    // Its rows add up to the rebuild's per key (expectEqualToFullRebuild), but several rows share keys.
    const [{ rows, keys }] = await queryRows<{ rows: number; keys: number }>(
      lake.conn,
      `SELECT count(*) AS rows, count(DISTINCT (slice_level, category_l1, brand, measure, event_date, prev_date, bound_date)) AS keys FROM (${scanSql(before).sql})`,
    );
    expect(rows).toBeGreaterThan(keys);
    // One new session per batch, of an existing user on the last day: each merge appends a small change.
    let batches = 0;
    for (let files = before.files.length; files < 8; files = (await table()).files.length) {
      batches += 1;
      await landRows(
        `one-session-${batches}.csv`,
        `SELECT x.* FROM (SELECT user_id, product_id FROM e WHERE event_date = DATE '2019-10-06' ORDER BY event_time LIMIT 1 OFFSET ${batches * 100}) u,
         LATERAL (${eventLike('view', "TIMESTAMPTZ '2019-10-06 23:00:00+00'", 'u.user_id', `'one-session-${batches}'`)} WHERE p.product_id = u.product_id) x`,
      );
      await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
      expect(await additiveWrites(lake.lakeDir)).toMatchObject({ user_carryover: 'append' });
      expect(batches).toBeLessThan(8);
    }
    await landRows(
      'one-session-last.csv',
      `SELECT x.* FROM (SELECT user_id, product_id FROM e WHERE event_date = DATE '2019-10-05' ORDER BY event_time LIMIT 1) u,
       LATERAL (${eventLike('cart', "TIMESTAMPTZ '2019-10-05 23:00:00+00'", 'u.user_id', "'one-session-last'")} WHERE p.product_id = u.product_id) x`,
    );
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await additiveWrites(lake.lakeDir)).toMatchObject({ user_carryover: 'overwrite' });
    const compacted = await table();
    expect(compacted.files).toHaveLength(1);
    const [{ duplicated }] = await queryRows<{ duplicated: number }>(
      lake.conn,
      `SELECT count(*) - count(DISTINCT (slice_level, category_l1, brand, measure, event_date, prev_date, bound_date)) AS duplicated FROM (${scanSql(compacted).sql})`,
    );
    expect(duplicated).toBe(0);
    await lake.expectEqualToFullRebuild();
  });

  it('rebuilds an additive table whose rows do not add up to what its record says, instead of appending to it', async () => {
    // user_carryover with every count zeroed, under its true record.
    const dir = goldDir(lake.lakeDir, 'user_carryover');
    const stored = await (await DeltaTable.open(dir)).snapshot();
    const txns = [...stored.replayState.txns.values()].filter((t) => t.appId.startsWith('clicklake.gold@')).map((t) => ({ appId: t.appId, version: Number(t.version) }));
    await overwrite(lake.conn, dir, `SELECT * REPLACE (CASE WHEN n IS NULL THEN NULL ELSE 0 END AS n) FROM (${scanSql(stored).sql})`, { txns });
    // A user active in a category × brand pair on two dates becomes active there in between: the later
    // date's row moves to another previous date, a negative change the zeroed table cannot take.
    const landed = await landRows(
      'in-between.csv',
      `WITH pairs AS (SELECT user_id, category_l1, brand FROM e GROUP BY ALL HAVING bool_or(event_date = DATE '2019-10-01') AND bool_or(event_date = DATE '2019-10-05') AND NOT bool_or(event_date = DATE '2019-10-03')),
       u AS (SELECT e.user_id, min(e.product_id) AS product_id FROM e JOIN pairs USING (user_id, category_l1, brand) WHERE e.event_date = DATE '2019-10-05' GROUP BY ALL ORDER BY user_id LIMIT 1)
       SELECT x.* FROM u, LATERAL (${eventLike('view', "TIMESTAMPTZ '2019-10-03 12:00:00+00'", 'u.user_id', "'in-between'")} WHERE p.product_id = u.product_id) x`,
    );
    expect(landed).toBe(1);
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await periodModes(lake.lakeDir)).toEqual(modes('merge', { user_carryover: 'rebuild' }));
    expect((await DeltaTable.open(dir)).history({ limit: 1 })[0].operationParameters.reason).toBe('the stored rows do not match their recorded base');
    expect(await additiveWrites(lake.lakeDir)).toMatchObject({ session_distribution: 'append', distinct_carryover: 'append' });
    await lake.expectEqualToFullRebuild();
  });

  it('only moves the recorded versions forward for a batch of duplicates', async () => {
    lake.landDay('2019-10-03', 'again-2019-10-03.csv');
    const summary = await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(summary.silver.rowsOut).toBe(0);
    expect(summary.gold.datesRebuilt).toEqual([]);
    expect(await periodModes(lake.lakeDir)).toEqual(modes('advance'));
    await lake.expectEqualToFullRebuild();
  });

  it('commits nothing to gold when nothing changed', async () => {
    const versions = async () => Promise.all(readdirSync(path.join(lake.lakeDir, 'gold')).map(async (t) => (await DeltaTable.open(path.join(lake.lakeDir, 'gold', t))).latestVersion()));
    const before = await versions();
    await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir, instance: lake.instance });
    expect(await versions()).toEqual(before);
  });
});
