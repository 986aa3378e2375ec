/**
 * Gold snapshots → DuckDB relations. Each table version gets its own view (`gold_session_facts_v12`)
 * over exactly that snapshot's rows: a copy in memory or its Parquet files, as serving.ts decides; a
 * `GoldState` maps every gold table to one view. The
 * latest state is swapped as a whole when polling sees a new version (after its tables are loaded),
 * so a request that acquired the old state finishes on it; relations no live state uses are dropped
 * once nothing holds them.
 */
import { DeltaError, DeltaTable, filesScanSql, scanSql, type HistoryEntry, type Snapshot } from '../../pipeline/delta';
import type { Database } from './database';
import { ANCHOR_TABLE, GOLD_TABLES, OPTIONAL_TABLES, goldTableDir, viewName, type GoldTable } from './gold-tables';
import { buildCompanion, companionsOf, type Companion } from './companions';
import { buildProductRanges } from './product-ranges';
import { servingSpec } from './serving';

export interface GoldState {
  /** Stable identity of the versions in this state, part of every cache key. */
  readonly key: string;
  /** Anchor version (the "gold version"); asOf states carry the requested one. */
  readonly goldVersion: number;
  readonly versions: Readonly<Record<GoldTable, number | null>>;
  readonly views: Readonly<Record<GoldTable, string>>;
  /** Daily tables present but missing some dates of the anchor (added to an existing lake by an incremental run). */
  readonly partial: ReadonlySet<GoldTable>;
  /** event_date partitions of each date-partitioned table, ascending. */
  readonly dates: Readonly<Partial<Record<GoldTable, readonly string[]>>>;
  readonly asOf: boolean;
  /**
   * gold.product_cumulative laid out per product with a column per (date, measure) (product-ranges.ts):
   * `relation` is set once the layout is built, after the state is published; null until then (and for
   * lakes too large for it), when queries join instead.
   */
  readonly productRanges: ProductRangesLayout;
  /** Relations derived from this state's table copies (companions.ts); one is absent when its table is, or when it failed to build. */
  readonly companions: Readonly<Partial<Record<Companion, string>>>;
}

export interface ProductRangesLayout {
  relation: string | null;
}

/** The layout of one relation of gold.product_cumulative and its background build. */
interface RangesBuild {
  layout: ProductRangesLayout;
  built: Promise<void>;
  done: boolean;
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

export interface CatalogOptions {
  /** Tables served from Parquet (serving.ts) with at most this many rows are loaded into memory too. */
  materializeRows?: number;
}

const MAX_ASOF_STATES = 16;
/** Snapshots from this many rows on are compressed in memory; smaller ones are not worth a checkpoint. */
const COMPRESS_ROWS = 200_000;

export class GoldCatalog {
  private latest: GoldState | undefined;
  private readonly asOfStates = new Map<number, Promise<GoldState>>();
  /** Latest committed versions seen by the last refresh (the published state may lag them). */
  private latestSeen: Record<GoldTable, number | null> | undefined;
  private readonly holds = new Map<GoldState, number>();
  /** Relations created so far: name → how to drop it (a view, or a view over its own in-memory database). */
  private readonly created = new Map<string, 'VIEW' | 'TABLE' | 'DATABASE'>();
  /** event_date partitions of each created relation of a partitioned table. */
  private readonly dates = new Map<string, ReadonlySet<string>>();
  private readonly pending = new Map<string, Promise<void>>();
  /** Rows of each created relation of a snapshot. */
  private readonly rows = new Map<string, number>();
  /**
   * Per relation of gold.product_cumulative, its per-product layout (built once, in the background,
   * beside the relation's copy and dropped with it) and the build.
   */
  private readonly ranges = new Map<string, RangesBuild>();
  /** Companion tables of each created relation (companions.ts), dropped with it. */
  private readonly companions = new Map<string, Partial<Record<Companion, string>>>();
  /** States being assembled: their relations are not in any state yet, so nothing is collected meanwhile. */
  private building = 0;
  private readonly histories = new Map<GoldTable, HistoryCache>();
  private readonly tables = new Map<GoldTable, DeltaTable>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<GoldState> | undefined;
  onSwap?: (state: GoldState) => void;
  /** Runs over a new latest state before it is published (requests keep the old one meanwhile). */
  prepare?: (state: GoldState) => Promise<void>;

  constructor(
    private readonly db: Database,
    readonly lakeDir: string,
    private readonly options: CatalogOptions = {},
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
    const state = await this.makeState(versions, versions[ANCHOR_TABLE]!, false);
    if (this.prepare) {
      // Counted as building: a collection meanwhile must not drop the unpublished state's relations.
      this.building++;
      try {
        await this.prepare(state);
      } finally {
        this.building--;
      }
    }
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
    for (const table of GOLD_TABLES) {
      let version: number | null = null;
      if (await this.table(table)) {
        const candidates = (await this.history(table)).entries.filter((e) => e.timestamp < bound);
        version = candidates.length ? candidates[candidates.length - 1].version : null;
      }
      versions[table] = version;
    }
    return this.makeState(versions, asOf, true);
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

  private async makeState(versions: Record<GoldTable, number | null>, goldVersion: number, asOf: boolean): Promise<GoldState> {
    this.building++;
    try {
      return await this.assembleState(versions, goldVersion, asOf);
    } finally {
      this.building--;
    }
  }

  private async assembleState(versions: Record<GoldTable, number | null>, goldVersion: number, asOf: boolean): Promise<GoldState> {
    // Loaded in parallel, as many at a time as the pool has connections.
    const views = Object.fromEntries(await Promise.all(GOLD_TABLES.map(async (t) => [t, await this.ensureView(t, versions[t])] as const))) as Record<GoldTable, string>;
    const anchorDates = this.dates.get(views[ANCHOR_TABLE]);
    const partial = new Set<GoldTable>();
    const dates: Partial<Record<GoldTable, readonly string[]>> = {};
    for (const table of GOLD_TABLES) {
      const tableDates = this.dates.get(views[table]);
      if (!tableDates || versions[table] === null) continue;
      dates[table] = Object.freeze([...tableDates].sort());
      if (anchorDates && [...anchorDates].some((d) => !tableDates.has(d))) partial.add(table);
    }
    const key = GOLD_TABLES.map((t) => `${t}@${versions[t] ?? '-'}`).join(',');
    // Latest states only: a past version shares the layout when its relation is the latest's, else joins.
    const ranges = versions.product_cumulative === null ? undefined : asOf ? this.ranges.get(views.product_cumulative) : this.productRanges(views.product_cumulative);
    const productRanges = ranges?.layout ?? { relation: null };
    const companions: Partial<Record<Companion, string>> = {};
    for (const table of GOLD_TABLES) if (versions[table] !== null) Object.assign(companions, this.companions.get(views[table]));
    return Object.freeze({
      key,
      goldVersion,
      versions: Object.freeze({ ...versions }),
      views: Object.freeze({ ...views }),
      partial,
      dates: Object.freeze(dates),
      asOf,
      productRanges,
      companions: Object.freeze(companions),
    });
  }

  /** One creation per relation name, shared by concurrent states that need it. */
  private once(name: string, create: () => Promise<void>): Promise<void> {
    if (this.created.has(name)) return Promise.resolve();
    let pending = this.pending.get(name);
    if (!pending) {
      pending = create().finally(() => this.pending.delete(name));
      this.pending.set(name, pending);
    }
    return pending;
  }

  private async ensureView(table: GoldTable, version: number | null): Promise<string> {
    const name = viewName(table, version);
    await this.once(name, () => this.createView(name, table, version));
    return name;
  }

  private async createView(name: string, table: GoldTable, version: number | null): Promise<void> {
    const delta = await this.table(table);
    if (!delta && version === null && OPTIONAL_TABLES.has(table)) return;
    if (!delta) throw new DeltaError('NOT_A_TABLE', `gold table ${table} does not exist under ${this.lakeDir}: run the pipeline`, { table: goldTableDir(this.lakeDir, table) });
    if (version === null) {
      // Absent at that time: an empty result typed like the table's first version.
      const first: Snapshot = await delta.snapshot({ version: (await this.history(table)).entries[0].version });
      await this.db.run(`CREATE OR REPLACE VIEW ${name} AS ${filesScanSql(first, [])}`);
      this.created.set(name, 'VIEW');
      return;
    }
    const snapshot = await delta.snapshot({ version });
    if (snapshot.partitionColumns.includes('event_date')) {
      this.dates.set(name, new Set(snapshot.files.map((f) => f.partitionValues.event_date).filter((d): d is string => Boolean(d))));
    }
    const spec = servingSpec(table);
    // Names come from GOLD_TABLES and integers; the scan SQL inlines paths as escaped literals.
    const sql = scanSql(snapshot).sql;
    const rows = snapshot.numRecords ?? Number.POSITIVE_INFINITY;
    this.rows.set(name, rows);
    if (spec.mode === 'parquet' && rows > (this.options.materializeRows ?? 0)) {
      await this.db.run(`CREATE OR REPLACE VIEW ${name} AS ${sql}`);
      this.created.set(name, 'VIEW');
    } else {
      // product_cumulative always gets its own database: its per-product layout is built beside it.
      const compress = rows >= COMPRESS_ROWS || table === 'product_cumulative';
      await this.loadIntoMemory(name, spec.orderBy ? `SELECT * FROM (${sql}) ORDER BY ${spec.orderBy}` : sql, compress);
      await this.addCompanions(name, table);
    }
  }

  /** Builds the companions of a table's copy (companions.ts); a failure only costs the queries their shortcut. */
  private async addCompanions(name: string, table: GoldTable): Promise<void> {
    const built: Partial<Record<Companion, string>> = {};
    for (const companion of companionsOf(table)) {
      const target = `${name}_${companion}`;
      try {
        await this.db.withConnection((conn) => buildCompanion(conn, companion, name, target));
        built[companion] = target;
      } catch (error) {
        console.error(JSON.stringify({ level: 'warn', msg: 'companion table not built; its queries read the source table', relation: name, companion, cause: String(error) }));
        await this.db.run(`DROP TABLE IF EXISTS ${target}`).catch(() => undefined);
      }
    }
    this.companions.set(name, built);
  }

  /**
   * The layout of a relation of gold.product_cumulative, its build started on first use. It runs after
   * the state's loads, in the background: a new version is published without waiting for it (22–30 s
   * at full scale on this 2-core machine), and its batches do not compete with the loads for memory.
   */
  private productRanges(name: string): RangesBuild {
    let build = this.ranges.get(name);
    if (!build) {
      const started: RangesBuild = { layout: { relation: null }, built: Promise.resolve(), done: false };
      started.built = this.addProductRanges(name, started.layout).finally(() => (started.done = true));
      this.ranges.set(name, (build = started));
    }
    return build;
  }

  /** Resolves once the background work of a state (its product layout) is done, built or not. */
  async settled(state: GoldState): Promise<void> {
    await this.ranges.get(state.views.product_cumulative)?.built;
  }

  /**
   * Whether the latest state's background work is done (a readiness check for benchmarks and
   * operators). It never loads a state: before the first one, there is nothing to wait for.
   */
  isSettled(): boolean {
    return !this.latest || (this.ranges.get(this.latest.views.product_cumulative)?.done ?? true);
  }

  /** Lays a cumulative table's copy out per product (product-ranges.ts) in its database; queries join without it. */
  private async addProductRanges(name: string, layout: ProductRangesLayout): Promise<void> {
    const dates = [...(this.dates.get(name) ?? [])].sort();
    const database = `${name}_db`;
    try {
      await this.db.withConnection(async (conn) => {
        if (!this.created.has(name)) return; // dropped meanwhile
        layout.relation = await buildProductRanges(conn, database, dates);
      });
    } catch (error) {
      // Dropped or shut down meanwhile: nothing to report.
      if (this.db.isClosed || !this.created.has(name)) return;
      // An optimisation only: the state is served by joins instead.
      console.error(JSON.stringify({ level: 'warn', msg: 'product range layout not built; products queries join instead', relation: name, cause: String(error) }));
      await this.db.run(`DROP TABLE IF EXISTS ${database}.main.ranges`).catch(() => undefined);
    }
  }

  /**
   * Copies a query's rows into memory and names them with a view. Large ones get their own compressed
   * in-memory database: a database per relation can be compressed (CHECKPOINT) while queries read the
   * others, and dropping it (DETACH) returns its memory at once.
   */
  private async loadIntoMemory(name: string, sql: string, compress = true): Promise<void> {
    if (!compress) {
      await this.db.run(`CREATE OR REPLACE TABLE ${name} AS ${sql}`);
      this.created.set(name, 'TABLE');
      return;
    }
    const database = `${name}_db`;
    await this.db.withConnection(async (conn) => {
      await conn.run(`DETACH DATABASE IF EXISTS ${database}`);
      await conn.run(`ATTACH ':memory:' AS ${database} (COMPRESS)`);
      try {
        await conn.run(`CREATE TABLE ${database}.main.rows AS ${sql}`);
        await conn.run(`CHECKPOINT ${database}`);
        await conn.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM ${database}.main.rows`);
      } catch (error) {
        await conn.run(`DETACH DATABASE IF EXISTS ${database}`);
        throw error;
      }
    });
    this.created.set(name, 'DATABASE');
  }

  /** Drops views that neither the latest state, a cached asOf state nor a held state uses. */
  private async collect(): Promise<void> {
    if (this.building > 0) return;
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
      this.dates.delete(name);
      this.rows.delete(name);
      const ranges = this.ranges.get(name);
      if (ranges) ranges.layout.relation = null;
      this.ranges.delete(name);
      for (const companion of Object.values(this.companions.get(name) ?? {})) await this.db.run(`DROP TABLE IF EXISTS ${companion}`);
      this.companions.delete(name);
      await this.db.run(`DROP ${kind === 'TABLE' ? 'TABLE' : 'VIEW'} IF EXISTS ${name}`);
      if (kind === 'DATABASE') await this.db.run(`DETACH DATABASE IF EXISTS ${name}_db`);
    }
  }
}

function runIdOf(entry: HistoryEntry): string | null {
  const runId = entry.operationParameters.runId;
  return typeof runId === 'string' ? runId : null;
}
