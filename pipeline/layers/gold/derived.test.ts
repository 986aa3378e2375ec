/**
 * The serving models derived from gold tables, updated incrementally, against the same models
 * computed whole from their sources' current rows: after new days, after late rows for an older date,
 * after a run that stopped between product_daily's commit and product_cumulative's, and when the
 * table is gone.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from '../../db';
import { scanSql } from '../../delta/scan';
import { DeltaTable } from '../../delta/table';
import { runPipeline } from '../../run';
import { generateLanding } from '../../testing/test-lake';
import { goldDir } from './gold';
import { productCumulativeNextDateSql, productCumulativeSql, userSegmentsSql } from './models/derived';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-derived-'));
const generated = path.join(root, 'generated');
const landingDir = path.join(root, 'landing');
const lakeDir = path.join(root, 'lake');

beforeAll(async () => {
  instance = await openDuckDB({ memoryLimit: '2GB', threads: 2 });
  conn = await instance.connect();
  generateLanding(generated, { events: 30_000, seed: 11, dirtyRate: 0, days: 6 });
  mkdirSync(landingDir);
});
afterAll(() => {
  conn.closeSync();
  rmSync(root, { recursive: true, force: true });
});

async function scan(table: string): Promise<string> {
  return `(${scanSql(await (await DeltaTable.open(goldDir(lakeDir, table))).snapshot()).sql})`;
}

async function version(table: string): Promise<number> {
  return (await DeltaTable.open(goldDir(lakeDir, table))).latestVersion();
}

/** Rows one side has and the other lacks (product_key numbers keys in arrival order, so it is left out). */
async function differences(): Promise<{ cumulative: unknown[]; segments: unknown[] }> {
  await conn.run(`CREATE OR REPLACE TEMP VIEW c_daily AS SELECT * FROM ${await scan('product_daily')}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE c_prev AS SELECT * EXCLUDE (event_date, product_keys, is_key, is_product) FROM ${await scan('product_cumulative')} WHERE false`);
  const whole = `(SELECT * EXCLUDE (product_key) FROM (${productCumulativeSql()}))`;
  const stored = `(SELECT * EXCLUDE (product_key) FROM ${await scan('product_cumulative')})`;
  const cumulative = await queryRows(conn, `(SELECT * FROM ${stored} EXCEPT ALL SELECT * FROM ${whole}) UNION ALL (SELECT * FROM ${whole} EXCEPT ALL SELECT * FROM ${stored})`);
  const segmentsWhole = `(${userSegmentsSql(await scan('user_summary'))})`;
  const segmentsStored = await scan('user_segments');
  const segments = await queryRows(conn, `(SELECT * FROM ${segmentsStored} EXCEPT ALL SELECT * FROM ${segmentsWhole}) UNION ALL (SELECT * FROM ${segmentsWhole} EXCEPT ALL SELECT * FROM ${segmentsStored})`);
  return { cumulative, segments };
}

function land(names: string[]): void {
  for (const name of names) cpSync(path.join(generated, name), path.join(landingDir, name));
}

describe('serving models derived from gold tables', () => {
  const days = () => readdirSync(generated).filter((f) => f.endsWith('.csv')).sort();

  it('equal their whole computation after a first run and after new days', async () => {
    land(days().slice(0, 3));
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await differences()).toEqual({ cumulative: [], segments: [] });
    const [{ dates }] = await queryRows<{ dates: number }>(conn, `SELECT count(DISTINCT event_date) AS dates FROM ${await scan('product_cumulative')}`);
    expect(dates).toBe(3);

    land(days().slice(3, 5));
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await differences()).toEqual({ cumulative: [], segments: [] });
    // Exactly one is_product row per product and date.
    const duplicated = await queryRows(conn, `SELECT event_date, product_id FROM ${await scan('product_cumulative')} WHERE is_product GROUP BY ALL HAVING count(*) > 1`);
    expect(duplicated).toEqual([]);
    // The generated data has products seen under several categories or brands: their summed rows are covered.
    const [{ summed }] = await queryRows<{ summed: number }>(conn, `SELECT count(*) AS summed FROM ${await scan('product_cumulative')} WHERE NOT is_key`);
    expect(summed).toBeGreaterThan(0);
  });

  it('take a day on top of the one before with the cheaper form, to the same rows and keys', async () => {
    const dates = (await queryRows<{ d: string }>(conn, `SELECT DISTINCT strftime(event_date, '%Y-%m-%d') AS d FROM ${await scan('product_daily')} ORDER BY d`)).map((r) => r.d);
    const [before, last] = dates.slice(-2);
    await conn.run('DROP VIEW IF EXISTS c_daily');
    await conn.run(`CREATE TEMP TABLE c_daily AS SELECT * FROM ${await scan('product_daily')} WHERE event_date = DATE '${last}'`);
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE c_prev AS SELECT * EXCLUDE (event_date, product_keys, is_key, is_product) FROM ${await scan('product_cumulative')} WHERE event_date = DATE '${before}' AND is_key`,
    );
    const general = `(${productCumulativeSql()})`;
    const next = `(${productCumulativeNextDateSql()})`;
    const [{ rows }] = await queryRows<{ rows: number }>(conn, `SELECT count(*) AS rows FROM ${next}`);
    expect(rows).toBeGreaterThan(0);
    expect(await queryRows(conn, `(SELECT * FROM ${general} EXCEPT ALL SELECT * FROM ${next}) UNION ALL (SELECT * FROM ${next} EXCEPT ALL SELECT * FROM ${general})`)).toEqual([]);
    // The day covers every case: keys new that day, keys carried without activity, and products under several keys.
    const [cases] = await queryRows<{ fresh: number; carried: number; summed: number }>(
      conn,
      `SELECT count(*) FILTER (WHERE is_key AND product_key NOT IN (SELECT product_key FROM c_prev)) AS fresh,
         count(*) FILTER (WHERE is_key AND last_active_date < DATE '${last}') AS carried, count(*) FILTER (WHERE NOT is_key) AS summed FROM ${next}`,
    );
    expect(cases.fresh).toBeGreaterThan(0);
    expect(cases.carried).toBeGreaterThan(0);
    expect(cases.summed).toBeGreaterThan(0);
    // A date without product rows gives no rows, as the general form does.
    await conn.run('DELETE FROM c_daily');
    expect(await queryRows(conn, `SELECT * FROM ${next}`)).toEqual([]);
    await conn.run('DROP TABLE c_daily');
  });

  it('recompute from an older date that gets late rows on', async () => {
    // Rows of day 2 again, a minute later (not duplicates), for products that may be new to that day.
    const [header, ...lines] = readFileSync(path.join(generated, days()[1]), 'utf8').trim().split('\n');
    const late = lines.filter((_, i) => i % 50 === 0).map((line) => line.replace(/:(\d\d) UTC/, (_, s: string) => `:${String((Number(s) + 1) % 60).padStart(2, '0')} UTC`));
    writeFileSync(path.join(landingDir, 'late.csv'), `${header}\n${late.join('\n')}\n`);
    const before = await version('product_cumulative');
    const summary = await runPipeline({ landingDir, lakeDir, instance });
    expect(summary.gold.datesRebuilt[0]).toBe(days()[1].slice(0, 10));
    expect(await version('product_cumulative')).toBe(before + 1);
    expect(await differences()).toEqual({ cumulative: [], segments: [] });
  });

  it('catch up after a run that stopped before them, and commit nothing when up to date', async () => {
    const saved = path.join(root, 'saved-cumulative');
    cpSync(goldDir(lakeDir, 'product_cumulative'), saved, { recursive: true });
    land(days().slice(5));
    await runPipeline({ landingDir, lakeDir, instance });
    // As if the run had stopped after product_daily's commit: the table still reflects the older version.
    rmSync(goldDir(lakeDir, 'product_cumulative'), { recursive: true });
    cpSync(saved, goldDir(lakeDir, 'product_cumulative'), { recursive: true });
    const stale = await version('product_cumulative');
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await version('product_cumulative')).toBe(stale + 1);
    expect(await differences()).toEqual({ cumulative: [], segments: [] });
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await version('product_cumulative')).toBe(stale + 1);
  });

  it('are rebuilt whole when missing', async () => {
    rmSync(goldDir(lakeDir, 'product_cumulative'), { recursive: true });
    rmSync(goldDir(lakeDir, 'user_segments'), { recursive: true });
    await runPipeline({ landingDir, lakeDir, instance });
    expect(await differences()).toEqual({ cumulative: [], segments: [] });
  });
});
