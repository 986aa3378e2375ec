/**
 * The rows an incremental run evaluates period models over: the users and sessions it touched, as
 * they were at the base versions a period table records and as they are now.
 *
 * Touched sessions are those of the silver.events rows added since the base (silver only appends; any
 * removed file means a full rebuild). Touched users are those rows' users plus the users those sessions
 * were filed under before (a late first event can move a session to another user). That suffices:
 * rows are only added, so a session's facts change only with its own new events, and a session turns
 * irregular (several dates or users) only while it had one user — its first, already touched. Every
 * other user's or session's rows are the same before and after, so their shares cancel in the merge.
 *
 * silver.sessions is a function of silver.events, so only the touched sessions' rows differ between
 * its two versions, and silver rewrites the whole start-date partition of every session it changes:
 * the touched sessions' old rows are in the files of the old version that the current one no longer
 * has (one partition for a one-day append; all of them at worst, never more than the old version).
 * A row count check guards this: a touched session missed there fails it, and the tables are rebuilt.
 * Tables filled, each row tagged in_old / in_new:
 *   inc_sessions  — silver.sessions rows of touched users, with keys;
 *   inc_facts     — gold.session_facts rows of touched users or sessions (files both versions share
 *                   are read once; the touched sessions' rows of other users from their dates only);
 *   inc_irregular — session_key of every irregular session among inc_facts' (the only ones the
 *                   models meet);
 *   inc_period    — last_date now.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, runUnordered } from '../../db';
import { filesScanSql, scanSql, type ScanOptions } from '../../delta/scan';
import { schemaToString } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { timed } from '../../profile';
import { fileChanges, snapshotAt, stillOnDisk, type GoldInput } from './lineage';
import { sessionKeySql } from '../session-key';
import { utcDateSql } from '../utc-sql';
import { IRREGULAR_SQL, KEYED_SESSION_COLUMNS, SESSION_COLUMNS, type GoldRelations } from './relations';

export type Versions = Record<GoldInput, number>;

export type Current = Record<GoldInput, Snapshot>;

export type TouchedRows =
  /** Nothing was added to silver.events since the base: the tables hold the current answer. */
  | { kind: 'unchanged' }
  | { kind: 'ready'; users: number; sessions: number }
  | { kind: 'unusable'; reason: string };

const TABLES = ['inc_touch', 'inc_then', 'inc_user_ids', 'inc_users', 'inc_now', 'inc_sessions', 'inc_shared', 'inc_irregular', 'inc_facts', 'inc_period'];

export async function prepareTouchedRows(conn: DuckDBConnection, relations: GoldRelations, base: Versions, current: Current): Promise<TouchedRows> {
  const before: Partial<Current> = {};
  for (const input of Object.keys(current) as GoldInput[]) {
    const snapshot = await snapshotAt(current[input].tableDir, base[input]);
    if (!snapshot) return { kind: 'unusable', reason: `${input} version ${base[input]} can no longer be read` };
    if (schemaToString(snapshot.schema) !== schemaToString(current[input].schema)) return { kind: 'unusable', reason: `the schema of ${input} changed` };
    before[input] = snapshot;
  }
  const events = fileChanges(before['silver.events']!, current['silver.events']);
  if (events.removed.length > 0) return { kind: 'unusable', reason: `silver.events files were removed since version ${base['silver.events']}` };
  if (events.added.length === 0) return { kind: 'unchanged' };
  for (const input of ['silver.sessions', 'gold.session_facts'] as const) {
    if (!stillOnDisk(fileChanges(before[input]!, current[input]).removed)) return { kind: 'unusable', reason: `files of ${input} version ${base[input]} were vacuumed` };
  }
  const facts = versionedScanSql(before['gold.session_facts']!, current['gold.session_facts']);
  const touch = scanSql(current['silver.events'], { onlyPaths: new Set(events.added.map((f) => f.path)), columns: ['user_session', 'user_id'] });
  // Sets of rows: their order is irrelevant, and without insertion order DuckDB builds them on every thread.
  const step = (table: string, sql: string) =>
    timed(`gold: touched rows: ${table}`, () => runUnordered(conn, `CREATE OR REPLACE TEMP TABLE ${table} AS ${sql}`));
  await step('inc_touch', `SELECT user_session, user_id, ${sessionKeySql('user_session')} AS session_key FROM (SELECT DISTINCT user_session, user_id FROM (${touch.sql}))`);
  const replaced = fileChanges(before['silver.sessions']!, current['silver.sessions']).removed;
  await step(
    'inc_then',
    `SELECT * FROM (${filesScanSql(before['silver.sessions']!, replaced, { columns: [...SESSION_COLUMNS, 'user_session'] })}) WHERE user_session IN (SELECT user_session FROM inc_touch)`,
  );
  await step('inc_user_ids', 'SELECT user_id FROM inc_touch UNION SELECT user_id FROM inc_then');
  await relations.keyUsers('SELECT user_id FROM inc_user_ids');
  await step('inc_users', `SELECT user_id, user_key FROM g_user_keys SEMI JOIN inc_user_ids USING (user_id)`);
  // The touched users' current sessions (the touched sessions' new users among them). A semi-join:
  // also asking here for every irregular session (an OR) made this scan of every session twice as slow.
  await step('inc_now', `SELECT * FROM (${scanSql(current['silver.sessions'], { columns: SESSION_COLUMNS }).sql}) WHERE user_id IN (SELECT user_id FROM inc_users)`);
  const [check] = await queryRows<{ touched: number; existed: number; users: number }>(
    conn,
    'SELECT (SELECT count(DISTINCT user_session) FROM inc_touch) AS touched, (SELECT count(*) FROM inc_then) AS existed, (SELECT count(*) FROM inc_users) AS users',
  );
  const grew = (current['silver.sessions'].numRecords ?? NaN) - (before['silver.sessions']!.numRecords ?? NaN);
  if (grew !== check.touched - check.existed) {
    return { kind: 'unusable', reason: `silver.sessions grew by ${grew} rows, not by the ${check.touched - check.existed} new sessions of the added events` };
  }
  // inc_now has the stored session_key, not the id (reading the ids of every session cost a third more).
  const untouched = 'session_key NOT IN (SELECT session_key FROM inc_touch)';
  await step(
    'inc_sessions',
    `SELECT ${KEYED_SESSION_COLUMNS}, ${untouched} AS in_old, true AS in_new FROM inc_now s JOIN g_user_keys k USING (user_id)
     UNION ALL
     SELECT ${KEYED_SESSION_COLUMNS}, true AS in_old, false AS in_new FROM inc_then s JOIN g_user_keys k USING (user_id)`,
  );
  // The touched users' facts, plus the touched sessions' rows of other users. Those exist only in
  // touched sessions with several users (a session's user set only grows, so they have several now),
  // which are few, and their rows lie on the dates they span: a second, pruned read, not an OR that
  // would slow the read of every fact (1.4 s against 1.1 s at full scale). The touched sessions'
  // current rows are those inc_sessions holds for the new version only.
  await step(
    'inc_shared',
    `SELECT session_key, session_start_date AS first_date, ${utcDateSql('session_end_at')} AS last_date
     FROM inc_sessions WHERE in_new AND NOT in_old AND has_multiple_users`,
  );
  const spans = await queryRows<{ first: string; last: string }>(
    conn,
    "SELECT DISTINCT strftime(first_date, '%Y-%m-%d') AS first, strftime(last_date, '%Y-%m-%d') AS last FROM inc_shared",
  );
  const sharedDates = [...new Set(spans.flatMap((r) => datesBetween(r.first, r.last)))];
  const sharedRows = spans.length
    ? `UNION ALL
       SELECT * FROM (${versionedScanSql(before['gold.session_facts']!, current['gold.session_facts'], { predicate: { op: 'in', column: 'event_date', values: sharedDates } })})
       WHERE session_key IN (SELECT session_key FROM inc_shared) AND user_key NOT IN (SELECT user_key FROM inc_users)`
    : '';
  await step('inc_facts', `SELECT * FROM (${facts}) WHERE user_key IN (SELECT user_key FROM inc_users) ${sharedRows}`);
  // The irregular sessions among those inc_facts holds (the models only meet irregular sessions
  // through these facts): those of the touched users' sessions now and of the touched sessions
  // before, from inc_sessions; and every other session there. Those are filed under an untouched
  // user while a touched user has events in them, so they carry several users: irregular, and untouched.
  await step(
    'inc_irregular',
    `SELECT session_key, in_old, in_new FROM inc_sessions WHERE ${IRREGULAR_SQL}
     UNION ALL
     SELECT DISTINCT session_key, true, true FROM inc_facts WHERE session_key NOT IN (SELECT session_key FROM inc_sessions)`,
  );
  const lastDate = lastSessionDate(current['silver.sessions']);
  await step('inc_period', lastDate ? `SELECT DATE '${lastDate}' AS last_date` : `SELECT max(session_end_at)::DATE AS last_date FROM (${scanSql(current['silver.sessions'], { columns: ['session_end_at'] }).sql})`);
  return { kind: 'ready', users: check.users, sessions: check.touched };
}

const DAY_MS = 86_400_000;

/** Every date from `first` to `last` (YYYY-MM-DD, UTC), both included. */
function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${first}T00:00:00Z`); day <= Date.parse(`${last}T00:00:00Z`); day += DAY_MS) dates.push(new Date(day).toISOString().slice(0, 10));
  return dates;
}

/**
 * The date of the latest session end, from the files' statistics (a scan of every session otherwise):
 * undefined when a file has no maximum, or when the maximum sits at a millisecond that writers may
 * have rounded across midnight (ours round maxima up to the millisecond, Spark's cut them down).
 */
function lastSessionDate(sessions: Snapshot): string | undefined {
  let latest = -Infinity;
  for (const file of sessions.files) {
    const max = file.stats?.maxValues?.session_end_at;
    const ms = typeof max === 'string' ? Date.parse(max) : NaN;
    if (Number.isNaN(ms)) return undefined;
    latest = Math.max(latest, ms);
  }
  const ofDay = latest - Math.floor(latest / DAY_MS) * DAY_MS;
  if (!Number.isFinite(latest) || ofDay === 0 || ofDay === DAY_MS - 1) return undefined;
  return new Date(latest).toISOString().slice(0, 10);
}

export async function dropTouchedRows(conn: DuckDBConnection): Promise<void> {
  for (const table of TABLES) await conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
}

/**
 * Rows of a table at two versions, each once, with in_old / in_new saying which versions hold it:
 * files both snapshots share are read once, then the files only the older one had, then the new ones.
 */
export function versionedScanSql(before: Snapshot, after: Snapshot, options: Omit<ScanOptions, 'onlyPaths'> = {}): string {
  const { removed, added, kept } = fileChanges(before, after);
  const part = (snapshot: Snapshot, files: typeof kept, inOld: boolean, inNew: boolean) => {
    const wanted = new Set(files.map((f) => f.absolutePath));
    const pruned = snapshot.prune(options.predicate).files.filter((f) => wanted.has(f.absolutePath));
    return `SELECT *, ${inOld} AS in_old, ${inNew} AS in_new FROM (${filesScanSql(snapshot, pruned, options)})`;
  };
  return [part(after, kept, true, true), part(before, removed, true, false), part(after, added, false, true)].join('\nUNION ALL BY NAME\n');
}
