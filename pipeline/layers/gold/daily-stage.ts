/**
 * Daily gold models: each table is rebuilt for the event_date partitions whose silver.events files
 * changed since the silver.events version it records (lineage.ts), one replace-partitions commit per
 * table and chunk of dates; the last chunk's commit records the new version. A run killed mid-way
 * leaves the old record, so the next run redoes those dates.
 *
 * Dates are processed in chunks so memory stays bounded at the full month: each chunk materialises
 * its silver events once (with pseudonymous keys) and every daily model reads that.
 */
import { withoutInsertionOrder } from '../../db';
import { overwrite, replacePartitions } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import type { Snapshot } from '../../delta/snapshot';
import { DeltaTable } from '../../delta/table';
import { timed } from '../../profile';
import { eventDates, fileChanges, inferredEventsVersion, lineageTxns, recordedVersions, snapshotAt } from './lineage';
import { DAILY_MODELS } from './models/daily';
import { eventCounts } from './models/event-counts';
import type { GoldContext } from './context';
import { sessionKeySql } from '../session-key';

/** Events per chunk of dates: bounds memory at the full month, one chunk (fewest commits) below. */
const EVENTS_PER_CHUNK = 12_000_000;

export interface DailyOptions extends GoldContext {
  events: Snapshot;
  /** Rebuild every date, each table from scratch (dates gone from silver go too). */
  full: boolean;
}

/** The dates to rebuild: every date some daily table does not yet reflect. */
export async function datesToRebuild(options: Pick<DailyOptions, 'events' | 'tableDir' | 'full'>): Promise<string[]> {
  const all = eventDates(options.events.files);
  if (options.full) return all;
  const dates = new Set<string>();
  for (const model of DAILY_MODELS) {
    for (const date of await staleDates(options.tableDir(model.name), options.events, all)) dates.add(date);
  }
  return all.filter((d) => dates.has(d));
}

async function staleDates(dir: string, events: Snapshot, all: string[]): Promise<string[]> {
  if (!DeltaTable.exists(dir)) return all;
  const table = await DeltaTable.open(dir);
  const recorded = recordedVersions(await table.snapshot(), ['silver.events'])?.['silver.events'];
  const base = recorded ?? inferredEventsVersion(table, await DeltaTable.open(events.tableDir));
  if (base === events.version) return [];
  const before = base === undefined || base > events.version ? undefined : await snapshotAt(events.tableDir, base);
  if (!before) return all;
  const { removed, added } = fileChanges(before, events);
  return eventDates([...removed, ...added]);
}

export async function runDailyModels(options: DailyOptions, dates: string[]): Promise<void> {
  const { conn, events } = options;
  const chunks = chunkDates(events, dates);
  const txns = lineageTxns({ 'silver.events': events.version });
  for (const [i, chunk] of chunks.entries()) {
    // The chunk's tables are sets: built without insertion order, on every thread (~2× faster).
    await timed(`gold: events ${chunk[0]}…`, () => withoutInsertionOrder(conn, () => buildEventsChunk(options, chunk)));
    const last = i === chunks.length - 1;
    for (const model of DAILY_MODELS) {
      const dir = options.tableDir(model.name);
      const common = { partitionColumns: ['event_date'], operationParameters: { runId: options.runId }, ...(last ? { txns } : {}) };
      const written = await timed(`gold: ${model.name}`, async () =>
        options.full && i === 0
          ? await overwrite(conn, dir, model.sql, { ...common, createIfMissing: true, overwriteSchema: true })
          : await replacePartitions(conn, dir, model.sql, { ...common, partitions: chunk.map((d) => ({ event_date: d })), createIfMissing: true }),
      );
      options.track(model.name, written);
    }
    options.log(`gold: rebuilt ${chunk[0]} … ${chunk[chunk.length - 1]} (${DAILY_MODELS.length} daily tables)`);
  }
  await conn.run('DROP TABLE IF EXISTS g_events; DROP TABLE IF EXISTS g_session_rows');
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

async function buildEventsChunk({ conn, relations, events }: DailyOptions, dates: string[]): Promise<void> {
  const scan = scanSql(events, {
    predicate: { op: 'in', column: 'event_date', values: dates },
    columns: ['event_date', 'event_time', 'event_type', 'product_id', 'category_l1', 'category_l2', 'category_l3', 'brand', 'price', 'user_id', 'user_session'],
  });
  await relations.keyUsers(scanSql(events, { predicate: { op: 'in', column: 'event_date', values: dates }, columns: ['user_id'] }).sql);
  await relations.useSessionStarts(dates);
  await conn.run(`CREATE OR REPLACE TEMP TABLE g_events AS
    SELECT e.event_date, e.event_time, e.event_type, e.product_id, e.category_l1, e.category_l2, e.category_l3,
           coalesce(e.brand, 'unknown') AS brand_label, e.price,
           ${sessionKeySql('e.user_session')} AS session_key, k.user_key
    FROM (${scan.sql}) e JOIN g_user_keys k USING (user_id)`);
  // The per-session rows several daily models group further: grouping the events once is most of their cost.
  await conn.run(`CREATE OR REPLACE TEMP TABLE g_session_rows AS
    SELECT event_date, category_l1, brand_label AS brand, session_key, user_key, ${eventCounts()},
      coalesce(sum(price) FILTER (WHERE event_type = 'cart'), 0)::DECIMAL(18, 2) AS cart_value
    FROM g_events GROUP BY event_date, category_l1, brand_label, session_key, user_key`);
}
