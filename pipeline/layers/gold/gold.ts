/**
 * The gold stage: rebuilds the daily models for the event_date partitions a run touched (one
 * replace-partitions commit per table and chunk of dates) and the period models whole.
 *
 * Dates are processed in chunks so memory stays bounded at the full month: each chunk materialises
 * its silver events once (with pseudonymous keys) and every daily model reads that.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { overwrite, replacePartitions } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import type { Snapshot } from '../../delta/snapshot';
import { DeltaTable } from '../../delta/table';
import { timed } from '../../profile';
import { TABLES, tableDir } from '../tables';
import { buildDerived } from './derived';
import { DAILY_MODELS } from './models/daily';
import { eventCounts } from './models/event-counts';
import { PERIOD_MODELS } from './models/period';
import { hmacParams, hmacSql, keyFromHexSql, loadPseudonymKey } from './pseudonym';

/** Events per chunk of dates: bounds memory at the full month, one chunk (fewest commits) below. */
const EVENTS_PER_CHUNK = 12_000_000;

export interface GoldResult {
  datesRebuilt: string[];
  tables: Array<{ name: string; version: number; rows: number; bytes: number }>;
  bytesWritten: number;
}

export interface GoldOptions {
  instance: DuckDBInstance;
  lakeDir: string;
  runId: string;
  /** event_date partitions to rebuild; undefined = all dates in silver. */
  dates?: string[];
  log: (line: string) => void;
}

export function goldDir(lakeDir: string, name: string): string {
  return tableDir(lakeDir, `gold/${name}`);
}

async function latest(dir: string): Promise<Snapshot | undefined> {
  return DeltaTable.exists(dir) ? (await DeltaTable.open(dir)).snapshot() : undefined;
}

export async function runGold(options: GoldOptions): Promise<GoldResult> {
  const events = await latest(tableDir(options.lakeDir, TABLES.silverEvents));
  const sessions = await latest(tableDir(options.lakeDir, TABLES.silverSessions));
  const result: GoldResult = { datesRebuilt: [], tables: [], bytesWritten: 0 };
  if (!events || !sessions) return result;
  const conn = await options.instance.connect();
  try {
    const params = hmacParams(loadPseudonymKey(options.lakeDir));
    await timed('gold: user pseudonyms', () => conn.run(
      `CREATE OR REPLACE TEMP TABLE g_user_keys AS
       SELECT user_id, ${hmacSql('user_id')} AS user_pseudonym FROM (SELECT DISTINCT user_id FROM (${scanSql(sessions, { columns: ['user_id'] }).sql}))`,
      params,
    ));
    await timed('gold: sessions with keys', () => conn.run(`CREATE OR REPLACE TEMP TABLE g_sessions AS
      SELECT s.* EXCLUDE (user_id, user_session), ${sessionKeySql('s.user_session')} AS session_key,
             ${keyFromHexSql('k.user_pseudonym')} AS user_key, k.user_pseudonym
      FROM (${scanSql(sessions).sql}) s JOIN g_user_keys k USING (user_id)`));

    const allDates = silverDates(events);
    const dates = options.dates === undefined ? allDates : options.dates.filter((d) => allDates.includes(d));
    const full = options.dates === undefined;
    const chunks = chunkDates(events, dates);
    for (const [i, chunk] of chunks.entries()) {
      await timed(`gold: events ${chunk[0]}…`, () => buildEventsChunk(conn, events, chunk));
      for (const model of DAILY_MODELS) {
        // A full rebuild starts each table over (first chunk overwrites), so dates gone from silver go too.
        const dir = goldDir(options.lakeDir, model.name);
        const written = await timed(`gold: ${model.name}`, async () =>
          full && i === 0
            ? await overwrite(conn, dir, model.sql, { createIfMissing: true, partitionColumns: ['event_date'], overwriteSchema: true, operationParameters: { runId: options.runId } })
            : await replacePartitions(conn, dir, model.sql, {
                partitions: chunk.map((d) => ({ event_date: d })),
                createIfMissing: true,
                partitionColumns: ['event_date'],
                operationParameters: { runId: options.runId },
              }),
        );
        track(result, model.name, written);
      }
      options.log(`gold: rebuilt ${chunk[0]} … ${chunk[chunk.length - 1]} (${DAILY_MODELS.length} daily tables)`);
    }
    result.datesRebuilt = dates;
    await conn.run('DROP TABLE IF EXISTS g_events; DROP TABLE IF EXISTS g_session_rows');
    if (dates.length > 0 || full) {
      const facts = await latest(goldDir(options.lakeDir, 'session_facts'));
      if (facts) await conn.run(`CREATE OR REPLACE TEMP VIEW g_facts AS ${scanSql(facts).sql}`);
      for (const model of PERIOD_MODELS) {
        const written = await timed(`gold: ${model.name}`, () =>
          overwrite(conn, goldDir(options.lakeDir, model.name), model.sql, {
            createIfMissing: true,
            overwriteSchema: true,
            operationParameters: { runId: options.runId },
          }),
        );
        track(result, model.name, written);
      }
    }
    for (const { name, written } of await buildDerived(conn, (name) => goldDir(options.lakeDir, name), options.runId, full)) track(result, name, written);
  } finally {
    await conn.run('DROP VIEW IF EXISTS g_facts; DROP TABLE IF EXISTS g_sessions; DROP TABLE IF EXISTS g_user_keys').catch(() => undefined);
    conn.closeSync();
  }
  return result;
}

function track(result: GoldResult, name: string, written: { version: number; numOutputRows: number; numOutputBytes: number }): void {
  const entry = result.tables.find((t) => t.name === name);
  if (entry) {
    entry.version = written.version;
    entry.rows += written.numOutputRows;
    entry.bytes += written.numOutputBytes;
  } else result.tables.push({ name, version: written.version, rows: written.numOutputRows, bytes: written.numOutputBytes });
  result.bytesWritten += written.numOutputBytes;
}

/** 63-bit session key: stable across DuckDB versions (MD5), compact for distinct counts. */
function sessionKeySql(expression: string): string {
  return `CAST(md5_number_upper(${expression}) >> 1 AS BIGINT)`;
}

/** Consecutive dates grouped so each group holds at most EVENTS_PER_CHUNK events (by file stats). */
function chunkDates(events: Snapshot, dates: string[]): string[][] {
  const perDate = new Map<string, number>();
  for (const file of events.files) {
    const date = file.partitionValues.event_date;
    if (date) perDate.set(date, (perDate.get(date) ?? 0) + (file.numRecords ?? 0));
  }
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const date of dates) {
    const n = perDate.get(date) ?? 0;
    if (current.length > 0 && size + n > EVENTS_PER_CHUNK) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(date);
    size += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function silverDates(events: Snapshot): string[] {
  // Partition values answer this without reading any data file.
  const dates = new Set<string>();
  for (const file of events.files) {
    const value = file.partitionValues.event_date;
    if (value) dates.add(value);
  }
  return [...dates].sort();
}

async function buildEventsChunk(conn: DuckDBConnection, events: Snapshot, dates: string[]): Promise<void> {
  const scan = scanSql(events, {
    predicate: { op: 'in', column: 'event_date', values: dates },
    columns: ['event_date', 'event_time', 'event_type', 'product_id', 'category_l1', 'category_l2', 'category_l3', 'brand', 'price', 'user_id', 'user_session'],
  });
  await conn.run(`CREATE OR REPLACE TEMP TABLE g_events AS
    SELECT e.event_date, e.event_time, e.event_type, e.product_id, e.category_l1, e.category_l2, e.category_l3,
           coalesce(e.brand, 'unknown') AS brand_label, e.price,
           ${sessionKeySql('e.user_session')} AS session_key, ${keyFromHexSql('k.user_pseudonym')} AS user_key
    FROM (${scan.sql}) e JOIN g_user_keys k USING (user_id)`);
  // The per-session rows several daily models group further: grouping the events once is most of their cost.
  await conn.run(`CREATE OR REPLACE TEMP TABLE g_session_rows AS
    SELECT event_date, category_l1, brand_label AS brand, session_key, user_key, ${eventCounts()},
      coalesce(sum(price) FILTER (WHERE event_type = 'cart'), 0)::DECIMAL(18, 2) AS cart_value
    FROM g_events GROUP BY event_date, category_l1, brand_label, session_key, user_key`);
}
