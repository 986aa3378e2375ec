/**
 * Calibration: a 1M-event run keeps the real month's shares and rates (DATA-FACTS.md), computed with
 * DuckDB straight from the CSV files. Tolerances are relative; they are wider only where a 1M run has
 * few events to count (small hours, small categories, duplicates, zero prices) — the full month is
 * checked by hand with the same queries (see the generator's closing note).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SPAN } from './model';
import { expectedCardinalities } from './population';
import { clicklake, csvFiles, tempDir } from './test-support';

const EVENTS = 1_000_000;
let dir: string;
let instance: DuckDBInstance;
let db: DuckDBConnection;

async function one(sql: string): Promise<Record<string, number>> {
  const [row] = (await db.runAndReadAll(sql)).getRowObjects();
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

function near(actual: number, target: number, tolerance: number): void {
  expect(Math.abs(actual / target - 1), `${actual} vs ${target} (±${tolerance * 100}%)`).toBeLessThanOrEqual(tolerance);
}

beforeAll(async () => {
  dir = tempDir('calibration');
  const run = clicklake('generate', '--events', String(EVENTS), '--seed', '11', '--out', dir);
  expect(run.code, run.stderr).toBe(0);
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run(`CREATE TABLE e AS SELECT * FROM read_csv('${path.join(dir, '*.csv')}', header = true, all_varchar = true)`);
});

afterAll(() => {
  db?.closeSync();
  instance?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a 1M-event run', () => {
  it('writes exactly the requested lines in the real file format, in time order', async () => {
    const files = csvFiles(dir);
    expect(files).toHaveLength(31);
    expect(path.basename(files[0])).toBe('2019-10-01.csv');
    const text = readFileSync(files[0], 'latin1');
    const lines = text.split('\n');
    expect(lines[0]).toBe('event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session');
    const row = /^2019-10-01 \d{2}:\d{2}:\d{2} UTC,(view|cart|purchase),\d{6,8},\d{19},([a-z_]+(\.[a-z_]+){1,3})?,[a-z0-9-]*,\d+\.\d{2},\d{9},[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const line of lines.slice(1, -1)) expect(line).toMatch(row);
    const times = lines.slice(1, -1).map((line) => line.slice(0, 19));
    expect([...times].sort()).toEqual(times);
    expect((await one('SELECT count(*) AS n FROM e')).n).toBe(EVENTS);
  });

  it('gives every session its own id: no session lasts longer than a session can (4 h), so none merges two sessions of different days', async () => {
    // Seeded with 32 bits, session UUIDs used to repeat across days (a birthday collision of the seeds).
    const spans = await one(`
      SELECT count(*) AS sessions, count(*) FILTER (WHERE span > ${MAX_SPAN}) AS too_long
      FROM (SELECT user_session, epoch(max(t)) - epoch(min(t)) AS span
            FROM (SELECT user_session, strptime(event_time, '%Y-%m-%d %H:%M:%S UTC') AS t FROM e) GROUP BY user_session)`);
    expect(spans.sessions).toBeGreaterThan(100_000);
    expect(spans.too_long).toBe(0);
  });

  it('keeps the event mix, funnel and buyer rates of the real month (±3 %)', async () => {
    const m = await one(`
      SELECT avg((event_type = 'view')::INT) AS view, avg((event_type = 'cart')::INT) AS cart, avg((event_type = 'purchase')::INT) AS purchase,
             count(*) FILTER (event_type = 'cart') / count(*) FILTER (event_type = 'view') AS carts_per_view,
             count(*) FILTER (event_type = 'purchase') / count(*) FILTER (event_type = 'view') AS purchases_per_view,
             avg((category_code IS NULL)::INT) AS empty_code, avg((brand IS NULL)::INT) AS empty_brand
      FROM e`);
    near(m.view, 0.9607, 0.03);
    near(m.cart, 0.0218, 0.03);
    near(m.purchase, 0.0175, 0.03);
    near(m.carts_per_view, 0.0227, 0.03);
    near(m.purchases_per_view, 0.0182, 0.03);
    near(m.empty_code, 0.3184, 0.03);
    near(m.empty_brand, 0.144, 0.03);
    const sessions = await one(`SELECT avg(p::INT) AS with_purchase FROM (SELECT bool_or(event_type = 'purchase') AS p FROM e GROUP BY user_session)`);
    near(sessions.with_purchase, 0.0681, 0.03);
    const users = await one(`SELECT avg(p::INT) AS buyers FROM (SELECT bool_or(event_type = 'purchase') AS p FROM e GROUP BY user_id)`);
    near(users.buyers, 0.1149, 0.03);
  });

  it('scales users and sessions linearly with the event count (±5 %)', async () => {
    const c = await one('SELECT count(DISTINCT user_id) AS users, count(DISTINCT user_session) AS sessions FROM e');
    const expected = expectedCardinalities(EVENTS);
    near(c.users, expected.users, 0.05);
    near(c.sessions, expected.sessions, 0.05);
    const bots = await one('SELECT count(*) AS n FROM (SELECT user_session FROM e GROUP BY 1 HAVING count(*) > 200)');
    expect(bots.n).toBeGreaterThanOrEqual(2); // ~350 at full scale, ~8 at 1M
    expect(bots.n).toBeLessThanOrEqual(25);
  });

  it('has exact duplicates and zero prices at the real rates', async () => {
    const d = await one(`SELECT (count(*) - count(DISTINCT (event_time, event_type, product_id, category_id, category_code, brand, price, user_id, user_session)))::DOUBLE / count(*) AS dup,
                                avg((price = '0.00')::INT) AS zero FROM e`);
    near(d.dup, 30_220 / 42_448_764, 0.15);
    near(d.zero, 68_673 / 42_448_764, 0.15);
  });

  it('follows the price distribution of the real month', async () => {
    const p = await one(`SELECT quantile_cont(price::DOUBLE, 0.05) AS p5, quantile_cont(price::DOUBLE, 0.25) AS p25, quantile_cont(price::DOUBLE, 0.5) AS p50,
                                quantile_cont(price::DOUBLE, 0.75) AS p75, quantile_cont(price::DOUBLE, 0.9) AS p90, quantile_cont(price::DOUBLE, 0.99) AS p99,
                                avg(price::DOUBLE) AS mean FROM e`);
    near(p.p5, 18.29, 0.08);
    near(p.p25, 65.96, 0.05);
    near(p.p50, 163.33, 0.05);
    near(p.p75, 356.52, 0.05);
    near(p.p90, 743.39, 0.05);
    near(p.p99, 1727.48, 0.05);
    near(p.mean, 290.32, 0.05);
  });

  it('splits events over top-level categories and brands like the real month', async () => {
    const rows = (await db.runAndReadAll(`SELECT coalesce(split_part(category_code, '.', 1), '') AS top, count(*) / sum(count(*)) OVER () AS share FROM e GROUP BY 1`)).getRowObjects();
    const share = Object.fromEntries(rows.map((r) => [String(r.top), Number(r.share)]));
    const targets: [string, number, number][] = [
      ['electronics', 0.38, 0.03], ['', 0.3184, 0.03], ['appliances', 0.117, 0.05], ['computers', 0.055, 0.06], ['apparel', 0.036, 0.08],
      ['furniture', 0.029, 0.08], ['auto', 0.024, 0.1], ['construction', 0.017, 0.1], ['kids', 0.012, 0.12],
    ];
    for (const [top, target, tolerance] of targets) near(share[top], target, tolerance);
    near((await one(`SELECT avg((category_code = 'electronics.smartphone')::INT) AS s FROM (SELECT coalesce(category_code, '') AS category_code FROM e)`)).s, 0.271, 0.05);
    const brands = (await db.runAndReadAll(`SELECT brand, count(*) AS n FROM e WHERE brand IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 5`)).getRowObjects();
    expect(brands.slice(0, 4).map((b) => b.brand)).toEqual(['samsung', 'apple', 'xiaomi', 'huawei']);
    const samsung = await one(`SELECT avg((brand = 'samsung')::INT) AS s FROM (SELECT coalesce(brand, '') AS brand FROM e)`);
    near(samsung.s, 5.28 / 42.448764, 0.05);
  });

  it('follows the hour-of-day profile', async () => {
    const rows = (await db.runAndReadAll(`SELECT substr(event_time, 12, 2)::INT AS hour, count(*) / sum(count(*)) OVER () AS share FROM e GROUP BY 1`)).getRowObjects();
    const share = new Map(rows.map((r) => [Number(r.hour), Number(r.share)]));
    const targets: [number, number][] = [[0, 0.0072], [3, 0.0365], [6, 0.0535], [9, 0.0554], [12, 0.0504], [15, 0.0702], [16, 0.072], [18, 0.0501], [20, 0.0175], [23, 0.0052]];
    for (const [hour, target] of targets) near(share.get(hour) ?? 0, target, target < 0.02 ? 0.1 : 0.05);
  });
});
