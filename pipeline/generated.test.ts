/**
 * End-to-end invariants on generated data with injected faults (issue 4): every count the generator
 * recorded in `_faults.json` is found in the lake, and every executive KPI computed from gold equals
 * the same metric computed independently, in plain SQL, straight from the landing CSV files.
 */
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows, sqlString } from './db';
import { scanSql } from './delta/scan';
import { DeltaTable } from './delta/table';
import { loadPseudonymKey } from './layers/gold/pseudonym';
import { TABLES, tableDir } from './layers/tables';
import { reconcile } from './quality/reconcile';
import type { Manifest } from './generate/manifest';
import { buildTestLake, type TestLake } from './testing/test-lake';

let lake: TestLake;
let manifest: Manifest;
let conn: DuckDBConnection;

beforeAll(async () => {
  lake = await buildTestLake({ events: 60_000, seed: 11, dirtyRate: 0.02 });
  manifest = JSON.parse(readFileSync(path.join(lake.landingDir, '_faults.json'), 'utf8')) as Manifest;
  conn = await (await openDuckDB({ memoryLimit: '2GB', threads: 2 })).connect();
  await conn.run(`CREATE OR REPLACE TEMP VIEW facts AS ${await scan('gold/session_facts')}`);
  await conn.run(`CREATE OR REPLACE TEMP TABLE truth AS ${independentSilverSql(landingFiles())}`);
});
afterAll(() => conn?.closeSync());

function landingFiles(): string[] {
  return readdirSync(lake.landingDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => path.join(lake.landingDir, f));
}

async function scan(table: string): Promise<string> {
  return scanSql(await (await DeltaTable.open(tableDir(lake.lakeDir, table))).snapshot()).sql;
}

describe('generated data with faults', () => {
  it('has exactly as many landing lines as the generator wrote', async () => {
    const text = landingFiles().map((f) => readFileSync(f, 'utf8'));
    const lines = text.reduce((sum, t) => sum + t.split('\n').filter((l, i, all) => i > 0 && !(i === all.length - 1 && l === '')).length, 0);
    expect(lines).toBe(manifest.expected.lines);
  });

  it('reconciles every layer with the generator manifest', async () => {
    const r = await reconcile(lake.lakeDir);
    expect(r).toMatchObject({
      landingLines: manifest.expected.lines,
      bronzeRows: manifest.expected.bronzeEvents,
      rejects: manifest.expected.bronzeRejects,
      quarantined: manifest.expected.quarantined,
      duplicatesRemoved: manifest.expected.duplicatesRemoved,
      silverRows: manifest.expected.silverEvents,
      balanced: true,
    });
  });

  it('quarantines exactly the injected faults, per primary reason', async () => {
    const rows = await queryRows<{ reason: string; n: number }>(conn, `SELECT primary_reason AS reason, count(*) AS n FROM (${await scan(TABLES.silverQuarantine)}) GROUP BY 1`);
    expect(Object.fromEntries(rows.map((r) => [r.reason, r.n]))).toEqual(manifest.expected.quarantineByReason);
  });

  it('agrees with an independent reading of the landing CSV on the number of clean events', async () => {
    const [{ n }] = await queryRows<{ n: number }>(conn, 'SELECT count(*) AS n FROM truth');
    expect(n).toBe(manifest.expected.silverEvents);
  });

  it('clusters every silver.events file by (user_session, event_time), one event_date per file', async () => {
    const events = await (await DeltaTable.open(tableDir(lake.lakeDir, TABLES.silverEvents))).snapshot();
    expect(events.files.length).toBeGreaterThan(1);
    await conn.run('SET preserve_insertion_order = true');
    for (const file of events.files) {
      const [row] = await queryRows<{ rows: number; unordered: number }>(
        conn,
        `SELECT count(*) AS rows, count(*) FILTER (WHERE prev_session > user_session OR (prev_session = user_session AND prev_time > event_time)) AS unordered
         FROM (SELECT user_session, event_time, lag(user_session) OVER () AS prev_session, lag(event_time) OVER () AS prev_time FROM read_parquet(${sqlString(file.absolutePath)}))`,
      );
      expect(row, file.path).toEqual({ rows: file.numRecords, unordered: 0 });
      expect(file.partitionValues.event_date, file.path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('keys users in gold by the first 60 bits of HMAC-SHA-256 under the lake key, never by their ids', async () => {
    const key = loadPseudonymKey(lake.lakeDir);
    const pseudonym = (userId: string) => BigInt(`0x${createHmac('sha256', key).update(userId).digest('hex').slice(0, 15)}`).toString();
    // user_summary has one row per user a session was filed under (its first), with their purchases.
    const sessions = await queryRows<{ user_id: string; purchases: number }>(
      conn,
      `SELECT user_id::VARCHAR AS user_id, sum(purchases)::INTEGER AS purchases FROM (${await scan(TABLES.silverSessions)}) GROUP BY 1`,
    );
    const users = await queryRows<{ user_key: string; purchases: number }>(conn, `SELECT user_key::VARCHAR AS user_key, purchases::INTEGER AS purchases FROM (${await scan('gold/user_summary')})`);
    expect(sessions.length).toBeGreaterThan(1000);
    expect(new Map(users.map((u) => [u.user_key, u.purchases]))).toEqual(new Map(sessions.map((s) => [pseudonym(s.user_id), s.purchases])));
    const ids = new Set(sessions.map((s) => s.user_id));
    expect(users.filter((u) => ids.has(u.user_key))).toEqual([]);
  });

  it('answers date-range distinct counts from gold.distinct_carryover exactly as from the facts', async () => {
    await conn.run(`CREATE OR REPLACE TEMP VIEW carryover AS ${await scan('gold/distinct_carryover')}`);
    await conn.run(`CREATE OR REPLACE TEMP VIEW daily AS ${await scan('gold/daily_kpis')}`);
    await conn.run(`CREATE OR REPLACE TEMP VIEW multi_day AS ${await scan('gold/multi_day_sessions')}`);
    for (const [from, to] of [['2019-10-01', '2019-10-31'], ['2019-10-08', '2019-10-14'], ['2019-10-20', '2019-10-20'], ['2019-10-02', '2019-10-29']]) {
      const params = { from, to };
      const [fast] = await queryRows(
        conn,
        `SELECT
           sum(n) FILTER (WHERE entity = 'user') AS users, sum(n) FILTER (WHERE entity = 'buyer') AS buyers,
           sum(n) FILTER (WHERE entity = 'session') AS sessions, sum(n) FILTER (WHERE entity = 'order') AS orders,
           sum(n) FILTER (WHERE entity = 'cart_session') AS cart_sessions
         FROM carryover WHERE event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND (prev_date IS NULL OR prev_date < CAST($from AS DATE))`,
        params,
      );
      // Abandoned = per-day counts, corrected for the sessions that cross midnight inside the range.
      const [abandoned] = await queryRows(
        conn,
        `WITH days AS (SELECT sum(abandoned_sessions) AS n FROM daily WHERE event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)),
         m AS (SELECT * FROM multi_day WHERE event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)),
         per_day AS (SELECT count(*) FILTER (WHERE has_cart AND NOT has_purchase) AS n FROM m),
         per_range AS (SELECT count(*) FILTER (WHERE c AND NOT p) AS n FROM (SELECT session_key, bool_or(has_cart) AS c, bool_or(has_purchase) AS p FROM m GROUP BY 1))
         SELECT (SELECT n FROM days) - (SELECT n FROM per_day) + (SELECT n FROM per_range) AS abandoned_sessions`,
        params,
      );
      const [exact] = await queryRows(
        conn,
        `WITH f AS (SELECT * FROM facts WHERE event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)),
         s AS (SELECT session_key, sum(carts) > 0 AS c, sum(purchases) > 0 AS p FROM f GROUP BY 1)
         SELECT count(DISTINCT user_key) AS users, count(DISTINCT user_key) FILTER (WHERE purchases > 0) AS buyers,
           count(DISTINCT session_key) AS sessions, count(DISTINCT session_key) FILTER (WHERE purchases > 0) AS orders,
           count(DISTINCT session_key) FILTER (WHERE carts > 0) AS cart_sessions,
           (SELECT count(*) FILTER (WHERE c AND NOT p) FROM s) AS abandoned_sessions
         FROM f`,
        params,
      );
      expect({ ...fast, ...abandoned }).toEqual(exact);
    }
  });

  const filters: Array<{ name: string; from: string; to: string; category?: string; brand?: string }> = [
    { name: 'the whole month', from: '2019-10-01', to: '2019-10-31' },
    { name: 'one week', from: '2019-10-08', to: '2019-10-14' },
    { name: 'the previous period of that week', from: '2019-10-01', to: '2019-10-07' },
    { name: 'a category', from: '2019-10-01', to: '2019-10-31', category: 'electronics' },
    { name: 'a brand over ten days', from: '2019-10-05', to: '2019-10-14', brand: 'samsung' },
    { name: 'a category and a brand', from: '2019-10-03', to: '2019-10-20', category: 'appliances', brand: 'unknown' },
    { name: 'uncategorised events', from: '2019-10-01', to: '2019-10-31', category: 'unknown' },
  ];
  for (const filter of filters) {
    it(`computes every section 3 KPI from gold exactly as from the CSV: ${filter.name}`, async () => {
      const params = { from: filter.from, to: filter.to, category: filter.category ?? null, brand: filter.brand ?? null };
      const [fromGold] = await queryRows(conn, kpisFromGoldSql, params);
      const [fromCsv] = await queryRows(conn, kpisFromTruthSql, params);
      expect(fromGold).toEqual(fromCsv);
      expect(Number(fromCsv.sessions)).toBeGreaterThan(0);
    });
  }
});

/**
 * DESIGN section 2 applied to the raw files, written separately from the pipeline: lines cut with
 * text functions (DuckDB's CSV reader loses the lines after a broken quote), the rules as regular
 * expressions, then DISTINCT.
 */
function independentSilverSql(files: string[]): string {
  const list = files.map(sqlString).join(', ');
  const t = (c: string) => `trim(${c}, E' \\t')`;
  return `
WITH lines AS (
  -- Whole files as text, cut into lines here (not by a CSV reader: broken quotes must not swallow lines).
  SELECT filename, generate_subscripts(string_split(content, E'\\n'), 1) AS n, unnest(string_split(content, E'\\n')) AS line
  FROM read_text([${list}])
),
fields AS (
  SELECT CASE WHEN NOT contains(line, '"') THEN string_split(line, ',')
              WHEN regexp_full_match(line, '(("[^"]*(""[^"]*)*")|[^,"]*)(,(("[^"]*(""[^"]*)*")|[^,"]*)){8}')
              THEN list_transform(regexp_extract_all(',' || line, ',(("[^"]*(""[^"]*)*")|[^,"]*)', 1),
                                  v -> CASE WHEN v LIKE '"%' THEN replace(v[2:-2], '""', '"') ELSE v END) END AS f
  FROM lines WHERE n > 1 AND line <> ''
),
raw AS (
  SELECT f[1] AS event_time, f[2] AS event_type, f[3] AS product_id, f[4] AS category_id, f[5] AS category_code,
         f[6] AS brand, f[7] AS price, f[8] AS user_id, f[9] AS user_session
  FROM fields WHERE len(f) = 9
),
clean AS (
  SELECT
    CASE WHEN regexp_full_match(${t('event_time')}, '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d( UTC)?') THEN try_strptime(left(${t('event_time')}, 19), '%Y-%m-%d %H:%M:%S')
         WHEN regexp_full_match(${t('event_time')}, '\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-]\\d\\d:?(\\d\\d)?)') THEN timezone('UTC', try_cast(${t('event_time')} AS TIMESTAMPTZ)) END AS ts,
    lower(${t('event_type')}) AS event_type,
    ${t('product_id')} AS product_id, ${t('category_id')} AS category_id,
    nullif(lower(${t('category_code')}), '') AS category_code, nullif(lower(${t('brand')}), '') AS brand,
    ${t('price')} AS price, ${t('user_id')} AS user_id, nullif(${t('user_session')}, '') AS user_session
  FROM raw
),
valid AS (
  SELECT DISTINCT ts, event_type, CAST(product_id AS BIGINT) AS product_id, category_id, category_code, brand,
    CAST(price AS DECIMAL(12, 2)) AS price, CAST(user_id AS BIGINT) AS user_id, user_session
  FROM clean
  WHERE ts IS NOT NULL AND event_type IN ('view', 'cart', 'remove_from_cart', 'purchase')
    AND regexp_full_match(product_id, '\\d+') AND try_cast(product_id AS BIGINT) > 0
    AND regexp_full_match(user_id, '\\d+') AND try_cast(user_id AS BIGINT) > 0
    AND regexp_full_match(price, '\\d+(\\.\\d+)?') AND user_session IS NOT NULL
    AND (category_id = '' OR (regexp_full_match(category_id, '\\d+') AND try_cast(category_id AS BIGINT) > 0))
)
SELECT *, CAST(ts AS DATE) AS event_date, coalesce(split_part(category_code, '.', 1), 'unknown') AS category_l1, coalesce(brand, 'unknown') AS brand_label
FROM valid`;
}

/** Section 3 over a relation of (event-level or fact-level) rows; both sides end in the same columns. */
const kpiSelect = (rows: string, user: string, session: string, views: string, carts: string, removals: string, purchases: string, revenue: string) => `
WITH f AS (${rows}),
s AS (SELECT ${session} AS s, sum(${carts}) > 0 AS has_cart, sum(${purchases}) > 0 AS has_purchase FROM f GROUP BY 1)
SELECT
  sum(${views})::BIGINT AS views, sum(${carts})::BIGINT AS carts, sum(${removals})::BIGINT AS removals, sum(${purchases})::BIGINT AS purchases,
  CAST(coalesce(sum(${revenue}), 0) AS DECIMAL(18, 2))::VARCHAR AS revenue,
  count(DISTINCT ${user}) AS users, count(DISTINCT ${user}) FILTER (WHERE ${purchases} > 0) AS buyers,
  count(DISTINCT ${session}) AS sessions, count(DISTINCT ${session}) FILTER (WHERE ${purchases} > 0) AS orders,
  round(count(DISTINCT ${session}) FILTER (WHERE ${purchases} > 0) / nullif(count(DISTINCT ${session}), 0), 12) AS conversion_rate,
  round((SELECT count(*) FILTER (WHERE has_cart AND NOT has_purchase) / nullif(count(*) FILTER (WHERE has_cart), 0) FROM s), 12) AS cart_abandonment_rate
FROM f`;

const where = `event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
  AND ($category IS NULL OR category_l1 = $category) AND ($brand IS NULL OR brand = $brand)`;

const kpisFromGoldSql = kpiSelect(`SELECT * FROM facts WHERE ${where}`, 'user_key', 'session_key', 'views', 'carts', 'removals', 'purchases', 'revenue');

const kpisFromTruthSql = kpiSelect(
  `SELECT user_id, user_session, brand_label AS brand_unused, event_type, price FROM truth WHERE ${where.replace('brand = $brand', 'brand_label = $brand')}`,
  'user_id',
  'user_session',
  "(event_type = 'view')::INT",
  "(event_type = 'cart')::INT",
  "(event_type = 'remove_from_cart')::INT",
  "(event_type = 'purchase')::INT",
  "CASE WHEN event_type = 'purchase' THEN price END",
);
