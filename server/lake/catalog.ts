/**
 * Gold snapshots → DuckDB views. Each table version gets its own view (`gold_session_facts_v12`) over
 * exactly that snapshot's Parquet files; a `GoldState` maps every gold table to one view. The latest
 * state is swapped as a whole when polling sees a new version, so a request that acquired the old
 * state finishes on it; views no live state uses are dropped once nothing holds them.
 */
import { DeltaError, DeltaTable, filesScanSql, scanSql, type HistoryEntry, type Snapshot } from '../../pipeline/delta';
import type { Database } from './database';
import { ANCHOR_TABLE, GOLD_TABLES, OPTIONAL_TABLES, goldTableDir, viewName, type GoldTable } from './gold-tables';

export interface GoldState {
  /** Stable identity of the versions in this state, part of every cache key. */
  readonly key: string;
  /** Anchor version (the "gold version"); asOf states carry the requested one. */
  readonly goldVersion: number;
  readonly versions: Readonly<Record<GoldTable, number | null>>;
  readonly views: Readonly<Record<GoldTable, string>>;
  readonly asOf: boolean;
}

export class AsOfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsOfError';
  }
}

interface HistoryCache {
  latest: number;
  entries: Array<{ version: number; timestamp: number; runId: string | null }>;
}

const MAX_ASOF_STATES = 16;

export class GoldCatalog {
  private latest: GoldState | undefined;
  private readonly asOfStates = new Map<number, Promise<GoldState>>();
  /** Latest committed versions seen by the last refresh (the published state may lag them). */
  private latestSeen: Record<GoldTable, number | null> | undefined;
  private readonly holds = new Map<GoldState, number>();
  /** Relations created so far: name → kind (view over Parquet, or table loaded in memory). */
  private readonly created = new Map<string, 'VIEW' | 'TABLE'>();
  private readonly histories = new Map<GoldTable, HistoryCache>();
  private readonly tables = new Map<GoldTable, DeltaTable>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<GoldState> | undefined;
  onSwap?: (state: GoldState) => void;

  constructor(
    private readonly db: Database,
    readonly lakeDir: string,
    /** Snapshots with at most this many rows are loaded into memory instead of viewed. */
    private readonly materializeRows = 0,
  ) {}

  /** Polls the latest versions every `ms` (a `_delta_log` listing per table, no replay). */
  startPolling(ms: number): void {
    this.stopPolling();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => console.error(JSON.stringify({ level: 'error', msg: 'gold refresh failed', cause: String(error) })));
    }, ms);
    this.timer.unref();
  }

  stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Latest committed version of every gold table (null: not written yet). */
  async latestVersions(): Promise<Record<GoldTable, number | null>> {
    const out = {} as Record<GoldTable, number | null>;
    for (const table of GOLD_TABLES) out[table] = (await this.table(table))?.latestVersion() ?? null;
    return out;
  }

  private async table(table: GoldTable): Promise<DeltaTable | undefined> {
    const opened = this.tables.get(table);
    if (opened) return opened;
    const dir = goldTableDir(this.lakeDir, table);
    if (!DeltaTable.exists(dir)) return undefined;
    const fresh = await DeltaTable.open(dir);
    this.tables.set(table, fresh);
    return fresh;
  }

  /** The latest state, refreshed when any table has a newer version than the current state. */
  async current(): Promise<GoldState> {
    return this.latest ?? this.refresh();
  }

  refresh(): Promise<GoldState> {
    this.refreshing ??= this.build().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async build(): Promise<GoldState> {
    const latest = await this.latestVersions();
    if (this.latestSeen && GOLD_TABLES.every((t) => this.latestSeen![t] === latest[t]) && this.latest) return this.latest;
    this.latestSeen = latest;
    const versions = await this.publishedVersions(latest);
    if (this.latest && GOLD_TABLES.every((t) => this.latest!.versions[t] === versions[t])) return this.latest;
    if (versions[ANCHOR_TABLE] === null) throw new DeltaError('NOT_A_TABLE', `no gold tables under ${this.lakeDir}: run the pipeline first`, { table: goldTableDir(this.lakeDir, ANCHOR_TABLE) });
    const views = {} as Record<GoldTable, string>;
    for (const table of GOLD_TABLES) views[table] = await this.ensureView(table, versions[table]);
    const state = makeState(versions, views, versions[ANCHOR_TABLE]!, false);
    const previous = this.latest;
    this.latest = state;
    if (previous) await this.collect();
    this.onSwap?.(state);
    return state;
  }

  /**
   * The versions a finished pipeline run left: a run commits gold.pipeline_runs last, so every gold
   * commit up to the newest pipeline_runs commit belongs to a finished run, and the commits of a run
   * still in progress (or one that failed half-way) stay invisible until its record is written.
   * Without that table (a lake not written by our pipeline) the latest versions are used.
   */
  private async publishedVersions(latest: Record<GoldTable, number | null>): Promise<Record<GoldTable, number | null>> {
    const runs = await this.history('pipeline_runs');
    const finished = runs.entries[runs.entries.length - 1]?.timestamp;
    if (finished === undefined) return latest;
    const out = {} as Record<GoldTable, number | null>;
    for (const table of GOLD_TABLES) {
      if (latest[table] === null) {
        out[table] = null;
        continue;
      }
      const entries = (await this.history(table)).entries.filter((e) => e.timestamp <= finished);
      out[table] = entries.length ? entries[entries.length - 1].version : null;
    }
    return out;
  }

  /** The state named by gold version `asOf` (see gold-tables.ts), cached per version. */
  async atVersion(asOf: number): Promise<GoldState> {
    const anchor = await this.history(ANCHOR_TABLE);
    const index = anchor.entries.findIndex((e) => e.version === asOf);
    if (index < 0) {
      const known = anchor.entries.map((e) => e.version);
      throw new AsOfError(`gold version ${asOf} does not exist (${ANCHOR_TABLE} has versions ${known.length ? `${Math.min(...known)}–${Math.max(...known)}` : 'none'})`);
    }
    const cached = this.asOfStates.get(asOf);
    if (cached) return cached;
    const promise = this.buildAsOf(asOf, anchor);
    this.asOfStates.set(asOf, promise);
    promise.catch(() => this.asOfStates.delete(asOf));
    if (this.asOfStates.size > MAX_ASOF_STATES) {
      const oldest = this.asOfStates.keys().next().value;
      if (oldest !== undefined) this.asOfStates.delete(oldest);
      void this.collect();
    }
    return promise;
  }

  private async buildAsOf(asOf: number, anchor: HistoryCache): Promise<GoldState> {
    const entry = anchor.entries.find((e) => e.version === asOf)!;
    // The first anchor commit of a later run bounds the state (entries are oldest first).
    const next = anchor.entries.find((e) => e.version > asOf && (entry.runId === null || e.runId !== entry.runId));
    const bound = next?.timestamp ?? Number.POSITIVE_INFINITY;
    const versions = {} as Record<GoldTable, number | null>;
    const views = {} as Record<GoldTable, string>;
    for (const table of GOLD_TABLES) {
      let version: number | null = null;
      if (await this.table(table)) {
        const candidates = (await this.history(table)).entries.filter((e) => e.timestamp < bound);
        version = candidates.length ? candidates[candidates.length - 1].version : null;
      }
      versions[table] = version;
      views[table] = await this.ensureView(table, version);
    }
    return makeState(versions, views, asOf, true);
  }

  /** Holds a state's views until `release` (in-flight queries never lose their views). */
  hold(state: GoldState): void {
    this.holds.set(state, (this.holds.get(state) ?? 0) + 1);
  }

  release(state: GoldState): void {
    const n = (this.holds.get(state) ?? 1) - 1;
    if (n > 0) this.holds.set(state, n);
    else {
      this.holds.delete(state);
      if (state !== this.latest && !state.asOf) void this.collect();
    }
  }

  /** Commit history of a table, oldest first, re-read only when the table has a new version. */
  async history(table: GoldTable): Promise<HistoryCache> {
    const delta = await this.table(table);
    if (!delta) return { latest: -1, entries: [] };
    const latest = delta.latestVersion();
    const cached = this.histories.get(table);
    if (cached && cached.latest === latest) return cached;
    const entries = delta.history().map((h) => ({ version: h.version, timestamp: h.timestamp, runId: runIdOf(h) })).reverse();
    const fresh = { latest, entries };
    this.histories.set(table, fresh);
    return fresh;
  }

  private async ensureView(table: GoldTable, version: number | null): Promise<string> {
    const name = viewName(table, version);
    if (this.created.has(name)) return name;
    const delta = await this.table(table);
    if (!delta && version === null && OPTIONAL_TABLES.has(table)) return name;
    if (!delta) throw new DeltaError('NOT_A_TABLE', `gold table ${table} does not exist under ${this.lakeDir}: run the pipeline`, { table: goldTableDir(this.lakeDir, table) });
    let sql: string;
    let kind: 'VIEW' | 'TABLE' = 'VIEW';
    if (version === null) {
      // Absent at that time: an empty result typed like the table's first version.
      const first: Snapshot = await delta.snapshot({ version: (await this.history(table)).entries[0].version });
      sql = filesScanSql(first, []);
    } else {
      const snapshot = await delta.snapshot({ version });
      sql = scanSql(snapshot).sql;
      // Small snapshots are copied into memory once: each query then skips opening every Parquet
      // file again (tens of ms per query for a few dozen files). Same rows, same version name.
      if ((snapshot.numRecords ?? Number.POSITIVE_INFINITY) <= this.materializeRows) kind = 'TABLE';
    }
    // Names come from GOLD_TABLES and integers; the scan SQL inlines paths as escaped literals.
    await this.db.run(kind === 'TABLE' ? `CREATE OR REPLACE TABLE ${name} AS ${sql}` : `CREATE OR REPLACE VIEW ${name} AS ${sql}`);
    this.created.set(name, kind);
    return name;
  }

  /** Drops views that neither the latest state, a cached asOf state nor a held state uses. */
  private async collect(): Promise<void> {
    const live = new Set<string>();
    const add = (s: GoldState) => Object.values(s.views).forEach((v) => live.add(v));
    if (this.latest) add(this.latest);
    for (const s of this.holds.keys()) add(s);
    for (const p of this.asOfStates.values()) {
      const s = await p.catch(() => undefined);
      if (s) add(s);
    }
    for (const [name, kind] of [...this.created]) {
      if (live.has(name)) continue;
      this.created.delete(name);
      await this.db.run(`DROP ${kind} IF EXISTS ${name}`);
    }
  }
}

function makeState(versions: Record<GoldTable, number | null>, views: Record<GoldTable, string>, goldVersion: number, asOf: boolean): GoldState {
  const key = GOLD_TABLES.map((t) => `${t}@${versions[t] ?? '-'}`).join(',');
  return Object.freeze({ key, goldVersion, versions: Object.freeze({ ...versions }), views: Object.freeze({ ...views }), asOf });
}

function runIdOf(entry: HistoryEntry): string | null {
  const runId = entry.operationParameters.runId;
  return typeof runId === 'string' ? runId : null;
}
