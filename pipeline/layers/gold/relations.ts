/**
 * The temp relations gold models read (model.ts lists them), built on the gold stage's connection.
 * A full rebuild keys every user and session once; an incremental run keys only the users and
 * sessions it touches, so its cost follows the change rather than the month.
 *
 * g_sessions, g_facts, g_irregular_sessions and g_period are views, pointed at whichever rows a
 * period model is evaluated over: everything (`useAllPeriodInputs`), or the old or new rows of the
 * entities an incremental run touched (`useTouchedPeriodInputs`; period-delta.ts fills the inc_*
 * tables they read).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { runUnordered, type Params } from '../../db';
import { scanSql } from '../../delta/scan';
import type { Snapshot } from '../../delta/snapshot';
import { where } from '../../delta/skipping';
import { timed } from '../../profile';
import { utcDateSql } from '../utc-sql';
import { userKeySql } from './pseudonym';

/** Sessions that span several dates or carry several user ids (the slices' corrections need them). */
export const IRREGULAR_SQL = `has_multiple_users OR ${utcDateSql('session_end_at')} <> session_start_date`;

/**
 * The silver.sessions columns gold reads (period models, irregular sessions, session starts). Reading
 * only these, without the category strings, makes a scan of every session a third cheaper; taking the
 * stored session_key rather than hashing the 36-character user_session, a third cheaper again.
 */
export const SESSION_COLUMNS = [
  'session_key', 'user_id', 'has_multiple_users', 'session_start_at', 'session_end_at', 'duration_seconds', 'session_start_date',
  'event_count', 'views', 'carts', 'purchases', 'revenue', 'is_converted',
];

/** silver.sessions rows (alias s, joined to g_user_keys k) in g_sessions' shape. */
export const KEYED_SESSION_COLUMNS = `${SESSION_COLUMNS.filter((c) => c !== 'user_id')
  .map((c) => `s.${c}`)
  .join(', ')}, k.user_key`;

export class GoldRelations {
  #allUserKeys = false;
  #allSessions = false;

  constructor(
    private readonly conn: DuckDBConnection,
    private readonly hmac: Params,
    readonly sessions: Snapshot,
  ) {}

  async open(): Promise<void> {
    await this.conn.run('CREATE OR REPLACE TEMP TABLE g_user_keys (user_id BIGINT, user_key BIGINT)');
  }

  /**
   * Keys for every user of silver.sessions (full rebuilds: one pass instead of one per chunk). A
   * session carries only its first user, so users met only later in another's session are keyed by
   * `keyUsers` as their events come. Users the daily chunks keyed already keep their keys: a first
   * run over a new lake keys each user once (recomputing every HMAC cost 3.6 s at the full month).
   */
  async keyAllUsers(): Promise<void> {
    if (this.#allUserKeys) return;
    await timed('gold: user pseudonyms', () => this.keyUsers(scanSql(this.sessions, { columns: ['user_id'] }).sql));
    this.#allUserKeys = true;
  }

  /** Adds keys for the users of `userIds` (a query with a user_id column) that have none yet. */
  async keyUsers(userIds: string): Promise<void> {
    // A set: inserted without insertion order, on every thread.
    await runUnordered(
      this.conn,
      `INSERT INTO g_user_keys SELECT user_id, ${userKeySql('user_id')} FROM (SELECT DISTINCT user_id FROM (${userIds})) ANTI JOIN g_user_keys USING (user_id)`,
      this.hmac,
    );
  }

  /** g_all_sessions: every silver.sessions row with keys. */
  async keyAllSessions(): Promise<void> {
    if (this.#allSessions) return;
    await this.keyAllUsers();
    await timed('gold: sessions with keys', () =>
      runUnordered(this.conn, `CREATE OR REPLACE TEMP TABLE g_all_sessions AS
        SELECT ${KEYED_SESSION_COLUMNS} FROM (${scanSql(this.sessions, { columns: SESSION_COLUMNS }).sql}) s JOIN g_user_keys k USING (user_id)`),
    );
    this.#allSessions = true;
  }

  /**
   * g_session_starts for the daily models of `dates`: every session, or on an incremental run only
   * those that can have events on one of the dates (started on or before the last, ended on or after
   * the first; file stats skip the rest).
   */
  async useSessionStarts(dates: string[]): Promise<void> {
    if (this.#allSessions) {
      await this.conn.run('CREATE OR REPLACE TEMP VIEW g_session_starts AS SELECT session_key, session_start_at FROM g_all_sessions');
      return;
    }
    const first = dates[0];
    const last = dates[dates.length - 1];
    const scan = scanSql(this.sessions, {
      columns: ['session_key', 'session_start_at'],
      predicate: where.and(where.le('session_start_date', last), where.ge('session_end_at', new Date(`${first}T00:00:00Z`))),
    });
    await this.conn.run(`CREATE OR REPLACE TEMP TABLE g_session_starts AS SELECT session_key, session_start_at FROM (${scan.sql})`);
  }

  /** Points the period models' views at every row (a full rebuild). */
  async useAllPeriodInputs(facts: Snapshot): Promise<void> {
    await this.keyAllSessions();
    await this.conn.run(`CREATE OR REPLACE TEMP VIEW g_sessions AS SELECT * FROM g_all_sessions;
      CREATE OR REPLACE TEMP VIEW g_facts AS ${scanSql(facts).sql};
      CREATE OR REPLACE TEMP VIEW g_irregular_sessions AS SELECT session_key FROM g_all_sessions WHERE ${IRREGULAR_SQL};
      CREATE OR REPLACE TEMP VIEW g_period AS SELECT max(session_end_at)::DATE AS last_date FROM g_all_sessions`);
  }

  /** Points the period models' views at the touched entities' rows before or after (period-delta.ts). */
  async useTouchedPeriodInputs(side: 'old' | 'new'): Promise<void> {
    const tag = side === 'old' ? 'in_old' : 'in_new';
    await this.conn.run(`CREATE OR REPLACE TEMP VIEW g_sessions AS SELECT * EXCLUDE (in_old, in_new) FROM inc_sessions WHERE ${tag};
      CREATE OR REPLACE TEMP VIEW g_facts AS SELECT * EXCLUDE (in_old, in_new) FROM inc_facts WHERE ${tag};
      CREATE OR REPLACE TEMP VIEW g_irregular_sessions AS SELECT session_key FROM inc_irregular WHERE ${tag};
      CREATE OR REPLACE TEMP VIEW g_period AS SELECT last_date FROM inc_period`);
  }

  async drop(): Promise<void> {
    const views = ['g_sessions', 'g_facts', 'g_irregular_sessions', 'g_period', 'g_session_starts'];
    const tables = ['g_events', 'g_session_starts', 'g_all_sessions', 'g_user_keys'];
    for (const view of views) await this.conn.run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
    for (const table of tables) await this.conn.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    this.#allUserKeys = false;
    this.#allSessions = false;
  }
}
