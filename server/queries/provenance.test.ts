import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeltaTable, scanSql } from '../../pipeline/delta';
import { runPipeline } from '../../pipeline/run';
import { generateLanding } from '../../pipeline/testing/test-lake';
import type { GoldService } from '../service';
import { openService } from '../test-support';
import { callerFor } from '../trpc/server';

/**
 * A lake loaded in three runs: ten days, then four more, then a hand-written file with the morning of
 * a new day (partly loaded) holding a row quarantined for its price and one whose time is invalid.
 */
const ROOT = path.resolve(import.meta.dirname, '../../.tmp/test-lakes/provenance-e6000-s11-days14');
const LAKE = path.join(ROOT, 'lake');
const PARTIAL_DAY = '2019-10-15';

const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';
const MORNING = [
  `${PARTIAL_DAY} 00:05:00 UTC,view,1001,2053013555631882655,electronics.smartphone,apple,999.00,5001,s-morning-1`,
  `${PARTIAL_DAY} 03:10:00 UTC,purchase,1001,2053013555631882655,electronics.smartphone,apple,999.00,5001,s-morning-1`,
  `${PARTIAL_DAY} 05:20:00 UTC,view,1002,,,samsung,12.50,5002,s-morning-2`,
  `${PARTIAL_DAY} 06:45:00 UTC,cart,1003,,,,not-a-price,5003,s-morning-3`,
  `yesterday-ish,view,1004,,,,1.00,5004,s-morning-4`,
];

async function buildLake(): Promise<void> {
  const marker = path.join(ROOT, '.complete');
  if (existsSync(marker)) return;
  rmSync(ROOT, { recursive: true, force: true });
  const generated = path.join(ROOT, 'generated');
  const landing = path.join(ROOT, 'landing');
  mkdirSync(landing, { recursive: true });
  generateLanding(generated, { events: 6000, seed: 11, dirtyRate: 0.02, days: 14 });
  const files = readdirSync(generated).filter((f) => f.endsWith('.csv')).sort();
  for (const [i, f] of files.entries()) {
    if (i < 10) copyFileSync(path.join(generated, f), path.join(landing, f));
  }
  await runPipeline({ landingDir: landing, lakeDir: LAKE });
  for (const f of files.slice(10)) copyFileSync(path.join(generated, f), path.join(landing, f));
  await runPipeline({ landingDir: landing, lakeDir: LAKE });
  writeFileSync(path.join(landing, `${PARTIAL_DAY}-morning.csv`), `${HEADER}\n${MORNING.join('\n')}\n`);
  await runPipeline({ landingDir: landing, lakeDir: LAKE });
  writeFileSync(marker, new Date().toISOString());
}

/** Independent reads of the lake in a fresh DuckDB: silver tables and pipeline_runs as tables. */
let conn: DuckDBConnection;
let service: GoldService;
let caller: ReturnType<typeof callerFor>;

async function rows<T>(sql: string, params: Record<string, string> = {}): Promise<T[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as T);
}

beforeAll(async () => {
  await buildLake();
  const instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const [name, dir] of [['silver', 'silver/events'], ['quarantine', 'silver/quarantine'], ['runs', 'gold/pipeline_runs']]) {
    const snapshot = await (await DeltaTable.open(path.join(LAKE, dir))).snapshot();
    await conn.run(`CREATE TABLE ${name} AS ${scanSql(snapshot).sql}`);
  }
  // Quarantined rows dated independently of the silver SQL: the two accepted time shapes, by hand.
  await conn.run(`CREATE TABLE q_dated AS SELECT *,
      coalesce(
        CAST(try_strptime(replace(trim(event_time), ' UTC', ''), '%Y-%m-%d %H:%M:%S') AS DATE),
        CAST(try_cast(trim(event_time) AS TIMESTAMPTZ) AS DATE)
      ) AS d,
      coalesce(nullif(split_part(lower(trim(category_code)), '.', 1), ''), 'unknown') AS l1,
      coalesce(nullif(lower(trim(brand)), ''), 'unknown') AS b
    FROM quarantine`);
  service = await openService(LAKE);
  caller = callerFor(service);
}, 600_000);

afterAll(() => service?.close());

describe('meta.provenance run markers', () => {
  it('lists each run that rebuilt dates in the range with the dates its batch loaded, rows in, quarantined and version', async () => {
    const result = await caller.meta.provenance({});
    expect(result.runs).toHaveLength(3);
    const stages = await rows<{ run_id: string; stage: string; rows_in: number; quarantined: number; versions: string }>('SELECT run_id, stage, rows_in, quarantined, table_versions AS versions FROM runs ORDER BY started_at');
    const runIds = [...new Set(stages.map((s) => s.run_id))];
    expect(result.runs.map((r) => r.runId)).toEqual(runIds);
    for (const run of result.runs) {
      const bronze = stages.find((s) => s.run_id === run.runId && s.stage === 'bronze');
      const silver = stages.find((s) => s.run_id === run.runId && s.stage === 'silver');
      const gold = stages.find((s) => s.run_id === run.runId && s.stage === 'gold');
      expect(run.rowsIn).toBe(bronze?.rows_in);
      expect(run.quarantined).toBe(silver?.quarantined);
      expect(run.goldVersion).toBe(JSON.parse(gold?.versions ?? '{}')['gold.daily_kpis']);
    }
    // The dates a run changed are the dates of the events its landing files brought (silver rows of
    // the run's batch), independent of what the pipeline recorded.
    const batches = await rows<{ batch: string; dates: string[] }>(
      `SELECT _batch_id AS batch, list(DISTINCT CAST(event_date AS VARCHAR) ORDER BY CAST(event_date AS VARCHAR)) AS dates FROM silver GROUP BY 1 ORDER BY min(_batch_id)`,
    );
    expect(batches).toHaveLength(3);
    const byFirstDate = [...batches].sort((a, b) => (a.dates[0] < b.dates[0] ? -1 : 1));
    expect(result.runs.map((r) => r.dates)).toEqual(byFirstDate.map((b) => b.dates));
    expect(result.runs[2].dates).toEqual([PARTIAL_DAY]);
  });

  it('keeps only runs that changed the filtered range, with their dates clipped to it', async () => {
    const result = await caller.meta.provenance({ from: PARTIAL_DAY, to: PARTIAL_DAY });
    expect(result.runs.map((r) => r.dates)).toEqual([[PARTIAL_DAY]]);
    const early = await caller.meta.provenance({ from: '2019-10-02', to: '2019-10-03' });
    expect(early.runs).toHaveLength(1);
    expect(early.runs[0].dates).toEqual(['2019-10-02', '2019-10-03']);
  });
});

describe('meta.provenance quarantine share', () => {
  const cases: Array<[string, { from?: string; to?: string; categories?: string[]; brands?: string[] }]> = [
    ['the whole range', {}],
    ['one week', { from: '2019-10-03', to: '2019-10-09' }],
    ['the partly loaded day', { from: PARTIAL_DAY, to: PARTIAL_DAY }],
    ['a category', { from: '2019-10-01', to: '2019-10-14', categories: ['electronics'] }],
    ['a brand', { brands: ['samsung'] }],
  ];
  for (const [name, filter] of cases) {
    it(`equals quarantined ÷ (silver + quarantined) rows placed by their own time for ${name}`, async () => {
      const result = await caller.meta.provenance(filter);
      const { from, to } = result.range;
      const params: Record<string, string> = { from, to };
      const slice = (l1: string, brand: string) =>
        [filter.categories?.length ? `${l1} IN (${filter.categories.map((c, i) => ((params[`c${i}`] = c), `$c${i}`)).join(', ')})` : 'true', filter.brands?.length ? `${brand} IN (${filter.brands.map((b, i) => ((params[`b${i}`] = b), `$b${i}`)).join(', ')})` : 'true'].join(' AND ');
      const [expected] = await rows<{ clean: number; quarantined: number; undated: number }>(
        `SELECT
           (SELECT count(*) FROM silver WHERE event_date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND ${slice('category_l1', "coalesce(brand, 'unknown')")}) AS clean,
           (SELECT count(*) FROM q_dated WHERE d BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) AND ${slice('l1', 'b')}) AS quarantined,
           (SELECT count(*) FROM q_dated WHERE d IS NULL AND ${slice('l1', 'b')}) AS undated`,
        params,
      );
      expect(result.quarantine.quarantinedRows).toBe(expected.quarantined);
      expect(result.quarantine.sourceRows).toBe(expected.clean + expected.quarantined);
      expect(result.quarantine.undatedRows).toBe(expected.undated);
      expect(result.quarantine.share).toBeCloseTo(expected.quarantined / (expected.clean + expected.quarantined), 5);
    });
  }

  it('places the hand-written bad rows: the bad price on its day, the bad time in no range', async () => {
    const day = await caller.meta.provenance({ from: PARTIAL_DAY, to: PARTIAL_DAY });
    expect(day.quarantine.quarantinedRows).toBe(1);
    expect(day.quarantine.sourceRows).toBe(4);
    expect(day.quarantine.undatedRows).toBeGreaterThanOrEqual(1);
  });

  it('answers for a past gold version from the quarantine that version saw', async () => {
    const meta = await caller.meta.filters();
    const first = Math.min(...meta.goldVersions.map((v) => v.version));
    const past = await caller.meta.provenance({ asOf: first });
    const [expected] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM q_dated WHERE d IS NOT NULL AND _run_id = (SELECT run_id FROM runs ORDER BY started_at LIMIT 1)`,
    );
    expect(past.runs).toHaveLength(1);
    expect(past.quarantine.quarantinedRows).toBe(expected.n);
  });
});

describe('meta.provenance completeness', () => {
  it('marks the partly loaded last day, and only ranges that include it', async () => {
    const [last] = await rows<{ d: string; h: number }>('SELECT CAST(max(event_date) AS VARCHAR) AS d, CAST(hour(max(event_time)) AS INTEGER) AS h FROM silver');
    expect(last.d).toBe(PARTIAL_DAY);
    const whole = await caller.meta.provenance({});
    expect(whole.completeness.lastDate).toBe(PARTIAL_DAY);
    expect(whole.completeness.lastEventHour).toBe(last.h);
    expect(whole.completeness.lastDayPartial).toBe(true);
    expect(whole.completeness.firstDayPartial).toBe(false);
    expect(whole.partialDays).toEqual([PARTIAL_DAY]);
    const before = await caller.meta.provenance({ from: '2019-10-08', to: '2019-10-14' });
    expect(before.partialDays).toEqual([]);
    expect(before.previousPartialDays).toEqual([]);
  });

  it('sees a complete last day in the state before the partial run', async () => {
    const meta = await caller.meta.filters();
    const runs = [...new Set(meta.goldVersions.map((v) => v.runId))];
    // goldVersions is newest first: the second run's newest version names the state it left.
    const secondRun = meta.goldVersions.find((v) => v.runId === runs[1])?.version;
    const [last] = await rows<{ h: number }>("SELECT CAST(hour(max(event_time)) AS INTEGER) AS h FROM silver WHERE event_date < CAST('2019-10-15' AS DATE)");
    const past = await caller.meta.provenance({ asOf: secondRun });
    expect(past.completeness.lastDate).toBe('2019-10-14');
    expect(past.completeness.lastEventHour).toBe(last.h);
    expect(past.completeness.lastDayPartial).toBe(false);
    expect(past.partialDays).toEqual([]);
  });
});
