/**
 * Provenance of the numbers a page shows, for the dashboard's annotations and caveats:
 *
 * - run markers: every pipeline run of the gold state, with the event dates it rebuilt (gold stage
 *   `detail.datesRebuilt`, else silver `detail.touchedDates`), rows in, rows quarantined and the gold
 *   version it left;
 * - quarantine share: source rows quarantined ÷ source rows, for the filtered range. Quarantined rows
 *   are placed by their own source text under the DESIGN section 2 rules (the silver typing SQL),
 *   from silver.quarantine at the version the state's last run recorded; rows whose time is invalid
 *   belong to no range and are counted apart. Clean rows come from gold.category_daily, so
 *   duplicates (removed, not quarantined) are not in the denominator;
 * - completeness: whether the first or last loaded day is only partly loaded (see `completeness`),
 *   so a range that includes it is not compared silently with a full period.
 */
import { DeltaTable, scanSql } from '../../pipeline/delta';
import { TABLES, tableDir } from '../../pipeline/layers/tables';
import { typedBatchSql } from '../../pipeline/layers/silver/silver-sql';
import type { GoldState } from '../lake/catalog';
import type { Database, Params } from '../lake/database';
import { ratio, whereFilters, type LakeMeta, type ResolvedFilters } from './sql';

export interface RunMarker {
  runId: string;
  startedAt: string;
  finishedAt: string;
  /** Source rows the run read (bronze rows + rejected lines). */
  rowsIn: number;
  quarantined: number;
  duplicatesRemoved: number;
  /** The gold version (gold.daily_kpis) the run committed last; null when it rebuilt no gold date. */
  goldVersion: number | null;
  /** Event dates the run rebuilt, ascending. */
  dates: string[];
}

interface RunRow {
  run_id: string;
  stage: string;
  started_at: string;
  finished_at: string;
  rows_in: number;
  quarantined: number;
  duplicates_removed: number;
  table_versions: string | null;
  detail: string | null;
}

function parseObject(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function dateList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) : [];
}

async function runRows(db: Database, state: GoldState): Promise<RunRow[]> {
  return db.rows<RunRow>(
    `SELECT run_id, stage,
            strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
            strftime(started_at + to_milliseconds(duration_ms), '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at,
            rows_in, quarantined, duplicates_removed, table_versions, detail
     FROM ${state.views.pipeline_runs} ORDER BY started_at, stage`,
  );
}

/** Every run of the gold state, oldest first. */
export function runMarkers(db: Database, state: GoldState): Promise<RunMarker[]> {
  return perState(db, state, 'runs', () => loadRunMarkers(db, state));
}

async function loadRunMarkers(db: Database, state: GoldState): Promise<RunMarker[]> {
  const byRun = new Map<string, RunMarker>();
  for (const row of await runRows(db, state)) {
    let run = byRun.get(row.run_id);
    if (!run) {
      run = { runId: row.run_id, startedAt: row.started_at, finishedAt: row.finished_at, rowsIn: 0, quarantined: 0, duplicatesRemoved: 0, goldVersion: null, dates: [] };
      byRun.set(row.run_id, run);
    }
    if (row.finished_at > run.finishedAt) run.finishedAt = row.finished_at;
    const detail = parseObject(row.detail);
    if (row.stage === 'bronze') run.rowsIn = row.rows_in;
    if (row.stage === 'silver') {
      run.quarantined = row.quarantined;
      run.duplicatesRemoved = row.duplicates_removed;
      if (!run.dates.length) run.dates = dateList(detail.touchedDates);
    }
    if (row.stage === 'gold') {
      const version = parseObject(row.table_versions)['gold.daily_kpis'];
      run.goldVersion = typeof version === 'number' ? version : null;
      // What gold rebuilt is what changed on the charts (a full refresh rebuilds every date).
      const rebuilt = dateList(detail.datesRebuilt);
      if (rebuilt.length) run.dates = rebuilt;
    }
  }
  for (const run of byRun.values()) run.dates = [...new Set(run.dates)].sort();
  return [...byRun.values()];
}

/** silver.quarantine version the state's newest run left (null: nothing ever quarantined). */
async function quarantineVersion(db: Database, state: GoldState): Promise<number | null> {
  let version: number | null = null;
  for (const row of await runRows(db, state)) {
    if (row.stage !== 'silver') continue;
    const v = parseObject(row.table_versions)['silver.quarantine'];
    if (typeof v === 'number' && v >= 0 && (version === null || v > version)) version = v;
  }
  return version;
}

interface QuarantineGroup {
  event_date: string | null;
  category_l1: string;
  brand: string;
  rows: number;
}

/**
 * Per-state memo: runs, quarantine groups and completeness do not depend on the filters, so each
 * is computed once per gold state (and database) however many filter combinations ask.
 */
const memos = new WeakMap<Database, Map<string, Promise<unknown>>>();

function perState<T>(db: Database, state: GoldState, what: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = new Map()));
  const key = `${what}|${state.key}`;
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    memo.set(key, value);
    value.catch(() => memo.delete(key));
    if (memo.size > 48) memo.delete(memo.keys().next().value!);
  }
  return value;
}

function quarantineGroups(db: Database, state: GoldState, lakeDir: string): Promise<QuarantineGroup[]> {
  return perState(db, state, 'quarantine', () => loadQuarantineGroups(db, state, lakeDir));
}

async function loadQuarantineGroups(db: Database, state: GoldState, lakeDir: string): Promise<QuarantineGroup[]> {
  const version = await quarantineVersion(db, state);
  const dir = tableDir(lakeDir, TABLES.silverQuarantine);
  if (version === null || !DeltaTable.exists(dir)) return [];
  const snapshot = await (await DeltaTable.open(dir)).snapshot({ version });
  const columns = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session', '_source_file', '_source_line', '_batch_id'];
  // The quarantined rows' source text typed again by the silver rules: the same date, category and
  // brand a valid row would have had.
  return db.rows<QuarantineGroup>(
    `SELECT CAST(CAST(event_time AS DATE) AS VARCHAR) AS event_date,
            CASE WHEN category_code IS NULL THEN 'unknown' ELSE split_part(category_code, '.', 1) END AS category_l1,
            coalesce(brand, 'unknown') AS brand,
            count(*) AS rows
     FROM (${typedBatchSql(`(${scanSql(snapshot, { columns }).sql})`)})
     GROUP BY ALL`,
  );
}

export interface QuarantineShare {
  /** Source rows of the filtered range: clean events plus quarantined rows placed in it. */
  sourceRows: number;
  quarantinedRows: number;
  /** quarantinedRows ÷ sourceRows; null for an empty range. */
  share: number | null;
  /** Quarantined rows (matching the category/brand filters) whose time is invalid: in no range. */
  undatedRows: number;
}

export async function quarantineShare(db: Database, state: GoldState, filters: ResolvedFilters, lakeDir: string): Promise<QuarantineShare> {
  const params: Params = {};
  const [clean] = await db.rows<{ rows: number | null }>(
    `SELECT CAST(sum(views + carts + removals + purchases) AS BIGINT) AS rows FROM ${state.views.category_daily} ${whereFilters(filters, params)}`,
    params,
  );
  const categories = new Set(filters.categories);
  const brands = new Set(filters.brands);
  let quarantinedRows = 0;
  let undatedRows = 0;
  for (const g of await quarantineGroups(db, state, lakeDir)) {
    if (categories.size && !categories.has(g.category_l1)) continue;
    if (brands.size && !brands.has(g.brand)) continue;
    if (g.event_date === null) undatedRows += g.rows;
    else if (g.event_date >= filters.from && g.event_date <= filters.to) quarantinedRows += g.rows;
  }
  const sourceRows = (clean?.rows ?? 0) + quarantinedRows;
  return { sourceRows, quarantinedRows, share: ratio(quarantinedRows, sourceRows), undatedRows };
}

export interface Completeness {
  firstDate: string;
  lastDate: string;
  /** Hour (UTC) of the first event on the first day and of the last event on the last day. */
  firstEventHour: number | null;
  lastEventHour: number | null;
  firstDayPartial: boolean;
  lastDayPartial: boolean;
}

/** Loaded days compared with: the days next to the first and last day. */
const REFERENCE_DAYS = 7;

/**
 * A day at the edge of the data is partly loaded when its events stop earlier (last day) or start
 * later (first day) than on every one of the up to seven full days next to it: quiet night hours
 * on small data do not count as missing, a load that stopped at noon does. With no neighbour to
 * compare with, the day must reach 23:00 (start by 00:59).
 */
export function completeness(db: Database, state: GoldState, meta: LakeMeta): Promise<Completeness> {
  return perState(db, state, 'completeness', () => loadCompleteness(db, state, meta));
}

async function loadCompleteness(db: Database, state: GoldState, meta: LakeMeta): Promise<Completeness> {
  const params: Params = { first: meta.minDate, last: meta.maxDate, n: REFERENCE_DAYS };
  const [row] = await db.rows<{ first_hour: number | null; last_hour: number | null; latest_start: number | null; earliest_end: number | null }>(
    `WITH days AS (
       SELECT event_date, min(hour) AS first_hour, max(hour) AS last_hour FROM ${state.views.hourly_activity} GROUP BY event_date
     ),
     ranked AS (
       SELECT *, row_number() OVER (ORDER BY event_date) AS from_start, row_number() OVER (ORDER BY event_date DESC) AS from_end FROM days
     )
     SELECT
       max(first_hour) FILTER (WHERE event_date = CAST($first AS DATE)) AS first_hour,
       max(last_hour) FILTER (WHERE event_date = CAST($last AS DATE)) AS last_hour,
       max(first_hour) FILTER (WHERE from_start BETWEEN 2 AND $n + 1) AS latest_start,
       min(last_hour) FILTER (WHERE from_end BETWEEN 2 AND $n + 1) AS earliest_end
     FROM ranked`,
    params,
  );
  const firstEventHour = row?.first_hour ?? null;
  const lastEventHour = row?.last_hour ?? null;
  return {
    firstDate: meta.minDate,
    lastDate: meta.maxDate,
    firstEventHour,
    lastEventHour,
    firstDayPartial: firstEventHour === null || firstEventHour > (row?.latest_start ?? 0),
    lastDayPartial: lastEventHour === null || lastEventHour < (row?.earliest_end ?? 23),
  };
}

/** Partly loaded days inside [from, to]: a range that has one is incomplete. */
export function partialDaysIn(c: Completeness, from: string, to: string): string[] {
  const days: string[] = [];
  if (c.firstDayPartial && c.firstDate >= from && c.firstDate <= to) days.push(c.firstDate);
  if (c.lastDayPartial && c.lastDate >= from && c.lastDate <= to && c.lastDate !== c.firstDate) days.push(c.lastDate);
  return days;
}
