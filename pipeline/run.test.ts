import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, queryRows } from './db';
import { scanSql } from './delta/scan';
import { DeltaTable } from './delta/table';
import { productsSql, sessionAggregatesSql, sessionsFromAggregatesSql } from './layers/silver/entities-sql';
import { TABLES, tableDir } from './layers/tables';
import { runPipeline } from './run';

const EXCERPT = path.join(import.meta.dirname, 'fixtures/rees46-excerpt.csv');
const HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';

let instance: DuckDBInstance;
let conn: DuckDBConnection;

beforeAll(async () => {
  instance = await openDuckDB({ memoryLimit: '2GB', threads: 2 });
  conn = await instance.connect();
});
afterAll(() => conn.closeSync());

function workspace(): { landingDir: string; lakeDir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'clicklake-run-'));
  const landingDir = path.join(root, 'landing');
  mkdirSync(landingDir);
  return { landingDir, lakeDir: path.join(root, 'lake') };
}

async function rows<T = Record<string, unknown>>(lakeDir: string, table: string, select = '*', where = ''): Promise<T[]> {
  const snapshot = await (await DeltaTable.open(tableDir(lakeDir, table))).snapshot();
  return queryRows<T>(conn, `SELECT ${select} FROM (${scanSql(snapshot).sql}) ${where}`);
}

describe('a real-format excerpt', () => {
  const ws = workspace();

  beforeAll(async () => {
    copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
    await runPipeline({ ...ws, instance });
  });

  it('accounts for every landing line: 43 lines = 40 bronze rows + 3 rejects', async () => {
    expect(await rows(ws.lakeDir, TABLES.bronzeEvents, 'count(*) AS n')).toEqual([{ n: 40 }]);
    const rejects = await rows<{ line: number; detail: string }>(ws.lakeDir, TABLES.bronzeRejects, '_source_line AS line, detail', 'ORDER BY 1');
    expect(rejects).toEqual([
      { line: 41, detail: 'expected 9 fields, found 8' },
      { line: 42, detail: 'unbalanced or misplaced quotes' },
      { line: 43, detail: 'empty line' },
    ]);
  });

  it('quarantines each failing row with all its reasons, primary first', async () => {
    const quarantined = await rows<{ line: number; reasons: string[] }>(ws.lakeDir, TABLES.silverQuarantine, '_source_line AS line, reasons', 'ORDER BY 1');
    expect(quarantined).toEqual([
      { line: 34, reasons: ['invalid_event_type'] },
      { line: 35, reasons: ['invalid_price'] },
      { line: 36, reasons: ['invalid_product_id'] },
      { line: 37, reasons: ['invalid_user_id'] },
      { line: 38, reasons: ['missing_session'] },
      { line: 39, reasons: ['invalid_category_id'] },
      { line: 40, reasons: ['invalid_event_time', 'invalid_price'] },
    ]);
  });

  it('keeps one of each exact (normalised) duplicate and reconciles the layers', async () => {
    expect(await rows(ws.lakeDir, TABLES.silverEvents, 'count(*) AS n')).toEqual([{ n: 31 }]);
    // The second copy of line 21 and the padded/mixed-case line 31 are the removed duplicates.
    const lines = await rows<{ line: number }>(ws.lakeDir, TABLES.silverEvents, '_source_line AS line', 'WHERE _source_line IN (21, 22, 31, 32) ORDER BY 1');
    expect(lines.map((r) => r.line)).toEqual([21, 31]);
  });

  it('normalises values as the contract says', async () => {
    const [iso] = await rows<{ t: string }>(ws.lakeDir, TABLES.silverEvents, "strftime(event_time, '%Y-%m-%d %H:%M:%S') AS t", 'WHERE _source_line = 30');
    expect(iso.t).toBe('2019-10-02 08:16:30');
    const [quoted] = await rows<Record<string, unknown>>(ws.lakeDir, TABLES.silverEvents, 'event_type, brand, category_l1, category_l2, category_l3', 'WHERE _source_line = 44');
    expect(quoted).toEqual({ event_type: 'purchase', brand: 'hua"wei', category_l1: 'electronics', category_l2: 'smartphone', category_l3: null });
    const [unknown] = await rows<Record<string, unknown>>(ws.lakeDir, TABLES.silverEvents, 'brand, category_code, category_l1, CAST(price AS VARCHAR) AS price', 'WHERE _source_line = 2');
    expect(unknown).toEqual({ brand: 'shiseido', category_code: null, category_l1: 'unknown', price: '35.79' });
    const [rounded] = await rows<{ price: string }>(ws.lakeDir, TABLES.silverEvents, 'CAST(price AS VARCHAR) AS price', 'WHERE _source_line = 33');
    expect(rounded.price).toBe('566.01');
  });

  it('computes gold daily KPIs equal to the hand-checked figures', async () => {
    const daily = await rows(ws.lakeDir, 'gold/daily_kpis', "strftime(event_date, '%Y-%m-%d') AS d, views, carts, removals, purchases, CAST(revenue AS VARCHAR) AS revenue, sessions, orders", 'ORDER BY 1');
    expect(daily).toEqual([
      { d: '2019-10-01', views: 17, carts: 3, removals: 1, purchases: 3, revenue: '1385.18', sessions: 14, orders: 3 },
      { d: '2019-10-02', views: 4, carts: 1, removals: 0, purchases: 2, revenue: '1109.11', sessions: 3, orders: 2 },
    ]);
  });

  it('commits nothing when run again', async () => {
    const before = await tableVersions(ws.lakeDir);
    const summary = await runPipeline({ ...ws, instance });
    expect(summary.bronze.rows).toBe(0);
    expect(await tableVersions(ws.lakeDir)).toEqual(before);
  });
});

async function tableVersions(lakeDir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...Object.values(TABLES), 'gold/daily_kpis', 'gold/session_facts', 'gold/user_summary']) {
    const dir = tableDir(lakeDir, table);
    if (DeltaTable.exists(dir)) out[table] = (await DeltaTable.open(dir)).latestVersion();
  }
  return out;
}

describe('incremental runs', () => {
  it('adds a new day, removes duplicates of rows already in silver, and reconciles', async () => {
    const ws = workspace();
    copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
    await runPipeline({ ...ws, instance });
    const next = [
      HEADER,
      // An exact duplicate of a row already in silver (line 3 of the first file)…
      '2019-10-01 00:00:00 UTC,view,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,554748717,9333dfbd-b87a-4708-9857-6336556b0fcc',
      '2019-10-03 12:00:00 UTC,view,5100816,2053013553375346967,,xiaomi,29.60,600000001,aaaaaaaa-0000-4000-8000-000000000001',
      '2019-10-03 12:01:00 UTC,purchase,5100816,2053013553375346967,,xiaomi,29.60,600000001,aaaaaaaa-0000-4000-8000-000000000001',
      // …and a late event of a session that started in the first file (merged into its stored row).
      '2019-10-03 12:02:00 UTC,purchase,1005011,2053013555631882655,electronics.smartphone,samsung,900.64,530282093,50a293fb-5940-41b2-baf3-17af0e812101',
    ].join('\n');
    writeFileSync(path.join(ws.landingDir, '2019-10-03.csv'), `${next}\n`);
    const summary = await runPipeline({ ...ws, instance });
    expect(summary.bronze.rows).toBe(4);
    expect(summary.silver.duplicatesRemoved).toBe(1);
    expect(summary.silver.rowsOut).toBe(3);
    expect(summary.gold.datesRebuilt).toEqual(['2019-10-03']);
    expect(summary.reconciliation).toMatchObject({ bronzeRows: 44, silverRows: 34, quarantined: 7, duplicatesRemoved: 3, balanced: true });
    // Sessions updated incrementally equal sessions computed from all events at once.
    const events = `(${scanSql(await (await DeltaTable.open(tableDir(ws.lakeDir, TABLES.silverEvents))).snapshot()).sql})`;
    const stored = `(${scanSql(await (await DeltaTable.open(tableDir(ws.lakeDir, TABLES.silverSessions))).snapshot()).sql})`;
    const recomputed = `(${sessionsFromAggregatesSql(`(${sessionAggregatesSql(events)})`)})`;
    const difference = await queryRows(conn, `(SELECT * FROM ${stored} EXCEPT ALL SELECT * FROM ${recomputed}) UNION ALL (SELECT * FROM ${recomputed} EXCEPT ALL SELECT * FROM ${stored})`);
    expect(difference).toEqual([]);
    // Products merged from the batch equal products computed from all events at once.
    const products = `(${scanSql(await (await DeltaTable.open(tableDir(ws.lakeDir, TABLES.silverProducts))).snapshot()).sql})`;
    const productDifference = await queryRows(conn, `(SELECT * FROM ${products} EXCEPT ALL SELECT * FROM (${productsSql(events)})) UNION ALL (SELECT * FROM (${productsSql(events)}) EXCEPT ALL SELECT * FROM ${products})`);
    expect(productDifference).toEqual([]);
    const [samsung] = await queryRows<Record<string, unknown>>(conn, `SELECT event_count, purchases, latest_price FROM ${products} WHERE product_id = 1005011`);
    expect(samsung).toMatchObject({ purchases: 1 });
    const [merged] = await queryRows<Record<string, unknown>>(conn, `SELECT event_count, purchases, duration_seconds FROM ${stored} WHERE user_session = '50a293fb-5940-41b2-baf3-17af0e812101'`);
    expect(merged).toEqual({ event_count: 4, purchases: 1, duration_seconds: 2 * 86400 + 12 * 3600 + 2 * 60 - 11 });
    const daily = await rows<{ d: string }>(ws.lakeDir, 'gold/daily_kpis', "strftime(event_date, '%Y-%m-%d') AS d", 'ORDER BY 1');
    expect(daily.map((r) => r.d)).toEqual(['2019-10-01', '2019-10-02', '2019-10-03']);
  });

  it('stages a big batch in Parquet files and a small one in memory, to the same silver rows', async () => {
    const staged = async (memoryBytes: string) => {
      const ws = workspace();
      copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
      const previous = process.env.CLICKLAKE_SILVER_STAGE_MEMORY_BYTES;
      process.env.CLICKLAKE_SILVER_STAGE_MEMORY_BYTES = memoryBytes;
      try {
        const summary = await runPipeline({ ...ws, instance });
        const events = await rows(ws.lakeDir, TABLES.silverEvents, '* EXCLUDE (_batch_id)', 'ORDER BY _source_file, _source_line');
        const quarantine = await rows(ws.lakeDir, TABLES.silverQuarantine, '* EXCLUDE (_batch_id, _run_id, _quarantined_at)', 'ORDER BY _source_file, _source_line');
        return { reconciliation: summary.reconciliation, byReason: summary.silver.quarantineByReason, events, quarantine };
      } finally {
        if (previous === undefined) delete process.env.CLICKLAKE_SILVER_STAGE_MEMORY_BYTES;
        else process.env.CLICKLAKE_SILVER_STAGE_MEMORY_BYTES = previous;
      }
    };
    const files = await staged('0');
    const memory = await staged(String(2 ** 30));
    expect(files.events).toHaveLength(31);
    expect(files.quarantine).toHaveLength(7);
    expect(memory).toEqual(files);
  });

  it('rebuilds silver and gold from bronze with --full-refresh, to the same numbers', async () => {
    const ws = workspace();
    copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
    const first = await runPipeline({ ...ws, instance });
    const again = await runPipeline({ ...ws, instance, fullRefresh: true });
    expect(again.reconciliation).toEqual(first.reconciliation);
    expect(await rows(ws.lakeDir, TABLES.silverEvents, 'count(*) AS n')).toEqual([{ n: 31 }]);
  });
});

describe('bad landing files', () => {
  it('reports each bad file by name and reason, and still commits the good one', async () => {
    const ws = workspace();
    copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
    writeFileSync(path.join(ws.landingDir, 'empty.csv'), '');
    writeFileSync(path.join(ws.landingDir, 'wrong-header.csv'), 'time,type,product\n2019-10-01 00:00:00 UTC,view,1\n');
    writeFileSync(path.join(ws.landingDir, 'broken.csv.gz'), gzipSync(`${HEADER}\n`).subarray(0, 12));
    writeFileSync(path.join(ws.landingDir, 'binary.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 10, 1, 2, 3]));
    const summary = await runPipeline({ ...ws, instance });
    const outcomes = Object.fromEntries(summary.bronze.files.map((f) => [f.name, f.status === 'failed' ? f.code : f.status]));
    expect(outcomes).toEqual({
      '2019-10-01.csv': 'ingested',
      'binary.csv': 'not_csv',
      'broken.csv.gz': 'unreadable_gzip',
      'empty.csv': 'empty_file',
      'wrong-header.csv': 'wrong_header',
    });
    expect(summary.reconciliation.balanced).toBe(true);
    expect(summary.silver.rowsOut).toBe(31);
  });

  it('ingests a gzipped file like the plain one', async () => {
    const ws = workspace();
    const { readFileSync } = await import('node:fs');
    writeFileSync(path.join(ws.landingDir, '2019-10-01.csv.gz'), gzipSync(readFileSync(EXCERPT)));
    const summary = await runPipeline({ ...ws, instance });
    expect(summary.reconciliation).toMatchObject({ bronzeRows: 40, rejects: 3, silverRows: 31, balanced: true });
  });

  it('reports a changed file with an already-ingested name instead of ingesting it twice', async () => {
    const ws = workspace();
    const file = path.join(ws.landingDir, '2019-10-01.csv');
    copyFileSync(EXCERPT, file);
    await runPipeline({ ...ws, instance });
    writeFileSync(file, `${HEADER}\n2019-10-05 00:00:00 UTC,view,1,2,,x,1.00,3,s\n`);
    const summary = await runPipeline({ ...ws, instance });
    expect(summary.bronze.files).toMatchObject([{ name: '2019-10-01.csv', status: 'failed', code: 'changed_file' }]);
    expect(summary.reconciliation.bronzeRows).toBe(40);
  });

  it('splits big files into pieces and still numbers every line exactly', async () => {
    const ws = workspace();
    copyFileSync(EXCERPT, path.join(ws.landingDir, '2019-10-01.csv'));
    await runPipeline({ ...ws, instance, staging: { pieceBytes: 700 } });
    const lines = await rows<{ line: number }>(ws.lakeDir, TABLES.bronzeEvents, '_source_line AS line', 'ORDER BY 1');
    const rejects = await rows<{ line: number }>(ws.lakeDir, TABLES.bronzeRejects, '_source_line AS line', 'ORDER BY 1');
    const all = [...lines, ...rejects].map((r) => r.line).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 43 }, (_, i) => i + 2));
    const bronze = await DeltaTable.open(tableDir(ws.lakeDir, TABLES.bronzeEvents));
    expect(bronze.latestVersion()).toBeGreaterThan(2); // one commit per piece
  });
});

