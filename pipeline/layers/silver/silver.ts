/**
 * The silver stage: validates, types, normalises and deduplicates the bronze rows added since the
 * bronze version silver last processed (a Delta `txn` on silver.events and silver.quarantine records
 * it), then rebuilds the session and product tables.
 *
 * Commit order: quarantine, then events, each carrying txn (SILVER_APP_ID, bronze version); a run that
 * dies between the two redoes only what is missing. `--full-refresh` overwrites both from all of bronze.
 */
import { DuckDBTimestampTZValue, type DuckDBConnection, type DuckDBInstance } from '@duckdb/node-api';
import { queryRows } from '../../db';
import { timed } from '../../profile';
import { append, overwrite, replacePartitions, type WriteResult } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import type { Snapshot } from '../../delta/snapshot';
import { DeltaTable } from '../../delta/table';
import { SOURCE_COLUMNS } from '../bronze/landing';
import { TABLES, tableDir } from '../tables';
import { dedupSql, quarantineSql, silverEventsSql, typedBatchSql } from './silver-sql';
import { mergeSessionAggregatesSql, productsSql, sessionAggregatesSql, sessionsFromAggregatesSql } from './entities-sql';

const NULLABLE_COLUMNS = ['category_id', 'category_code', 'brand'];

export const SILVER_APP_ID = 'clicklake.silver<-bronze.events';

export interface SilverResult {
  /** Bronze version processed up to (inclusive). */
  bronzeVersion: number;
  rowsIn: number;
  rowsOut: number;
  quarantined: number;
  duplicatesRemoved: number;
  quarantineByReason: Record<string, number>;
  /** event_date partitions that received rows (YYYY-MM-DD). */
  touchedDates: string[];
  eventsVersion: number;
  quarantineVersion: number;
  bytesWritten: number;
  skipped: boolean;
  /** Per nullable silver column, NULL rows among the events written (silver null rate numerator). */
  nullCounts: Record<string, number>;
  /** Per source column, bronze rows of the batch whose field was empty after trimming (raw null rate numerator). */
  rawEmptyCounts: Record<string, number>;
}

export interface SilverOptions {
  instance: DuckDBInstance;
  lakeDir: string;
  runId: string;
  fullRefresh: boolean;
  log: (line: string) => void;
}

async function snapshotOf(dir: string, version?: number): Promise<Snapshot | undefined> {
  if (!DeltaTable.exists(dir)) return undefined;
  return (await DeltaTable.open(dir)).snapshot(version === undefined ? {} : { version });
}

export async function runSilver(options: SilverOptions): Promise<SilverResult> {
  const dirs = {
    bronze: tableDir(options.lakeDir, TABLES.bronzeEvents),
    events: tableDir(options.lakeDir, TABLES.silverEvents),
    quarantine: tableDir(options.lakeDir, TABLES.silverQuarantine),
  };
  const bronze = await snapshotOf(dirs.bronze);
  const events = await snapshotOf(dirs.events);
  const quarantine = await snapshotOf(dirs.quarantine);
  const processed = options.fullRefresh ? -1 : (events?.txnVersion(SILVER_APP_ID) ?? -1);
  const result: SilverResult = {
    bronzeVersion: bronze?.version ?? -1,
    rowsIn: 0,
    rowsOut: 0,
    quarantined: 0,
    duplicatesRemoved: 0,
    quarantineByReason: {},
    touchedDates: [],
    eventsVersion: events?.version ?? -1,
    quarantineVersion: quarantine?.version ?? -1,
    bytesWritten: 0,
    skipped: true,
    nullCounts: {},
    rawEmptyCounts: {},
  };
  if (!bronze) return result;
  if (bronze.version <= processed) {
    // Events are up to date; a run that died after committing them may have left sessions behind.
    const sessions = await snapshotOf(tableDir(options.lakeDir, TABLES.silverSessions));
    if (events && (sessions?.txnVersion(SILVER_APP_ID) ?? -1) < processed) {
      const conn = await options.instance.connect();
      try {
        options.log('silver: sessions lag behind events (an earlier run stopped); rebuilding them');
        await conn.run(`CREATE OR REPLACE TEMP TABLE silver_new AS SELECT * EXCLUDE (category_l1, category_l2, category_l3, event_date) FROM (${scanSql(events).sql})`);
        await updateSessions({ ...options, fullRefresh: true }, conn, { appId: SILVER_APP_ID, version: processed });
        await rebuildProducts(options, conn);
        await conn.run('DROP TABLE IF EXISTS silver_new');
      } finally {
        conn.closeSync();
      }
    }
    return result;
  }

  // Bronze files added after the processed version: the difference of the two file sets.
  const before = processed >= 0 ? new Set((await snapshotOf(dirs.bronze, processed))!.files.map((f) => f.path)) : new Set<string>();
  const newFiles = bronze.files.filter((f) => !before.has(f.path));
  const txn = { appId: SILVER_APP_ID, version: bronze.version };
  const conn = await options.instance.connect();
  try {
    const bronzeScan = scanSql(bronze, { onlyPaths: new Set(newFiles.map((f) => f.path)) }).sql;
    await timed('silver: type and check rows', () => conn.run(`CREATE OR REPLACE TEMP TABLE silver_typed AS ${typedBatchSql(`(${bronzeScan}) AS bronze_rows`)}`));
    const [counts] = await queryRows<{ rows_in: number; quarantined: number }>(
      conn,
      'SELECT count(*) AS rows_in, count(*) FILTER (WHERE len(reasons) > 0) AS quarantined FROM silver_typed',
    );
    result.rowsIn = counts.rows_in;
    result.quarantined = counts.quarantined;
    const reasons = await queryRows<{ reason: string; n: number }>(
      conn,
      'SELECT reasons[1] AS reason, count(*) AS n FROM silver_typed WHERE len(reasons) > 0 GROUP BY 1 ORDER BY 1',
    );
    result.quarantineByReason = Object.fromEntries(reasons.map((r) => [r.reason, r.n]));
    // Valid rows only lose their source text; an empty field there is exactly a NULL nullable column.
    const [empties] = await queryRows<Record<string, number>>(
      conn,
      `SELECT ${SOURCE_COLUMNS.map(
        (c) => `count(*) FILTER (WHERE CASE WHEN len(reasons) > 0 THEN trim(coalesce(src_${c}, '')) = '' ELSE ${NULLABLE_COLUMNS.includes(c) ? `${c} IS NULL` : 'false'} END) AS ${c}`,
      ).join(', ')} FROM silver_typed`,
    );
    result.rawEmptyCounts = empties;

    const stamp = { run_id: options.runId, quarantined_at: new DuckDBTimestampTZValue(BigInt(Date.now()) * 1000n) };
    const write = options.fullRefresh ? overwrite : append;
    if (options.fullRefresh || (quarantine?.txnVersion(SILVER_APP_ID) ?? -1) < bronze.version) {
      const q = await timed('silver: write quarantine', () => write(conn, dirs.quarantine, quarantineSql('silver_typed'), {
        params: stamp,
        txn,
        createIfMissing: true,
        operationParameters: { runId: options.runId, bronzeVersion: bronze.version },
      }));
      result.quarantineVersion = q.version;
      result.bytesWritten += q.numOutputBytes;
    }

    await conn.run('CREATE OR REPLACE TEMP VIEW silver_valid AS SELECT * EXCLUDE (reasons) FROM silver_typed WHERE len(reasons) = 0');
    const candidateDates = await queryRows<{ d: string }>(conn, 'SELECT DISTINCT strftime(CAST(event_time AS DATE), \'%Y-%m-%d\') AS d FROM silver_valid ORDER BY 1');
    const existing = !options.fullRefresh && events && events.files.length > 0 ? existingPartitions(events, candidateDates.map((r) => r.d)) : undefined;
    await timed('silver: deduplicate', () => conn.run(`CREATE OR REPLACE TEMP TABLE silver_new AS ${dedupSql('silver_valid', existing)}`));
    const [{ n: unique }] = await queryRows<{ n: number }>(conn, 'SELECT count(*) AS n FROM silver_new');
    result.duplicatesRemoved = result.rowsIn - result.quarantined - unique;
    // Only dates that actually received events need their gold partitions rebuilt.
    const dates = await queryRows<{ d: string }>(conn, "SELECT DISTINCT strftime(CAST(event_time AS DATE), '%Y-%m-%d') AS d FROM silver_new ORDER BY 1");
    result.touchedDates = dates.map((r) => r.d);
    const [nulls] = await queryRows<Record<string, number>>(
      conn,
      `SELECT ${NULLABLE_COLUMNS.map((c) => `count(*) FILTER (WHERE ${c} IS NULL) AS ${c}`).join(', ')} FROM silver_new`,
    );
    result.nullCounts = nulls;
    const written: WriteResult = await timed('silver: write events (sorted, partitioned)', () => write(conn, dirs.events, silverEventsSql('silver_new'), {
      txn,
      createIfMissing: true,
      partitionColumns: ['event_date'],
      // The count of removed duplicates travels with the data it explains (reconciliation reads it back).
      operationParameters: { runId: options.runId, bronzeVersion: bronze.version, duplicatesRemoved: result.duplicatesRemoved, clusterBy: ['user_session', 'event_time'] },
    }));
    result.rowsOut = written.numOutputRows;
    result.eventsVersion = written.version;
    result.bytesWritten += written.numOutputBytes;
    result.skipped = written.skipped;
    await conn.run('DROP VIEW IF EXISTS silver_valid; DROP TABLE IF EXISTS silver_typed');
    options.log(
      `silver: ${result.rowsIn.toLocaleString('en-US')} bronze rows → ${result.rowsOut.toLocaleString('en-US')} events, ` +
        `${result.quarantined.toLocaleString('en-US')} quarantined, ${result.duplicatesRemoved.toLocaleString('en-US')} duplicates removed`,
    );
    await timed('silver: sessions', () => updateSessions(options, conn, txn));
    await timed('silver: products', () => rebuildProducts(options, conn));
    await conn.run('DROP TABLE IF EXISTS silver_new');
  } finally {
    conn.closeSync();
  }
  return result;
}

/** silver.events rows of the given dates, pruned to those partitions before DuckDB reads anything. */
function existingPartitions(events: Snapshot, dates: string[]): string {
  const plan = scanSql(events, { predicate: { op: 'in', column: 'event_date', values: dates } });
  return `(${plan.sql})`;
}

/**
 * silver.sessions, incrementally: the batch's per-session aggregates are folded into the stored rows
 * of the same sessions, and only the session_start_date partitions holding those sessions are
 * replaced (one commit). A full refresh rebuilds the table from the batch, which is then everything.
 */
async function updateSessions(options: SilverOptions, conn: DuckDBConnection, txn: { appId: string; version: number }): Promise<void> {
  const dir = tableDir(options.lakeDir, TABLES.silverSessions);
  const current = await snapshotOf(dir);
  if (!options.fullRefresh && (current?.txnVersion(txn.appId) ?? -1) >= txn.version) return;
  const stored = options.fullRefresh ? undefined : current;
  await conn.run(`CREATE OR REPLACE TEMP TABLE s_batch AS ${sessionAggregatesSql(`(${silverEventsSql('silver_new', false)})`)}`);
  const params = { runId: options.runId };
  try {
    if (!stored) {
      await overwrite(conn, dir, sessionsFromAggregatesSql('s_batch'), { txn, createIfMissing: true, overwriteSchema: true, partitionColumns: ['session_start_date'], operationParameters: params });
      return;
    }
    const storedScan = `(${scanSql(stored).sql})`;
    await conn.run(`CREATE OR REPLACE TEMP TABLE s_old AS SELECT * FROM ${storedScan} WHERE user_session IN (SELECT user_session FROM s_batch)`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE s_merged AS ${sessionsFromAggregatesSql(`(${mergeSessionAggregatesSql('s_batch', 's_old')})`)}`);
    const dates = await queryRows<{ d: string }>(
      conn,
      "SELECT DISTINCT strftime(session_start_date, '%Y-%m-%d') AS d FROM (SELECT session_start_date FROM s_old UNION ALL SELECT session_start_date FROM s_merged) ORDER BY 1",
    );
    if (dates.length === 0) return;
    const kept = `SELECT * FROM ${storedScan} WHERE strftime(session_start_date, '%Y-%m-%d') IN (SELECT d FROM (SELECT DISTINCT strftime(session_start_date, '%Y-%m-%d') AS d FROM (SELECT session_start_date FROM s_old UNION ALL SELECT session_start_date FROM s_merged))) AND user_session NOT IN (SELECT user_session FROM s_merged)`;
    await replacePartitions(conn, dir, `${kept} UNION ALL BY NAME SELECT * FROM s_merged`, {
      partitions: dates.map((r) => ({ session_start_date: r.d })),
      txn,
      operationParameters: params,
    });
  } finally {
    await conn.run('DROP TABLE IF EXISTS s_batch; DROP TABLE IF EXISTS s_old; DROP TABLE IF EXISTS s_merged');
  }
}

/** silver.products: small (one row per product), rebuilt from silver.events. */
async function rebuildProducts(options: SilverOptions, conn: DuckDBConnection): Promise<void> {
  const events = await snapshotOf(tableDir(options.lakeDir, TABLES.silverEvents));
  if (!events) return;
  await overwrite(conn, tableDir(options.lakeDir, TABLES.silverProducts), productsSql(`(${scanSql(events).sql})`), {
    createIfMissing: true,
    overwriteSchema: true,
    operationParameters: { runId: options.runId },
  });
}
