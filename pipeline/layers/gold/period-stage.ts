/**
 * Period gold models. Each table records the versions of silver.events, silver.sessions and
 * gold.session_facts it reflects (lineage.ts, under its model's fingerprint), in the commit that wrote
 * it. A run brings every table from its own recorded base to the current versions:
 *   - current: nothing to do;
 *   - merge: the model over the touched entities' rows before and after (period-delta.ts), folded
 *     into the stored table (period-merge.ts) — work in proportion to what changed;
 *   - advance: silver gained no rows since the base, so only the record moves forward;
 *   - rebuild: the model over everything, when there is no usable base (new table, changed model, a
 *     full refresh, a base the log or vacuum no longer has, removed silver rows, a failed check).
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readCommit, rearrangesFilesOnly } from '../../delta/actions';
import { queryRows } from '../../db';
import { commitPath } from '../../delta/log-paths';
import { append, overwrite, type WriteResult } from '../../delta/operations';
import { scanSql } from '../../delta/scan';
import type { Snapshot } from '../../delta/snapshot';
import { DeltaTable } from '../../delta/table';
import { timed } from '../../profile';
import type { GoldContext } from './context';
import { lineageAppId, lineageTxns, recordedVersions, type GoldInput } from './lineage';
import type { GoldModel } from './model';
import { PERIOD_MODELS } from './models/period';
import { dropTouchedRows, prepareTouchedRows, type Current, type TouchedRows, type Versions } from './period-delta';
import { COMPACTED, mergePlan, STAGED, type MergeStep } from './period-merge';

const INPUTS: GoldInput[] = ['silver.events', 'silver.sessions', 'gold.session_facts'];

/** An additive table is compacted when it holds this many files, or when the change has more than 1/COMPACT_AT_FILES of its rows. */
const COMPACT_AT_FILES = 8;

export interface PeriodOptions extends GoldContext {
  current: Current;
  fullRefresh: boolean;
}

type Plan = { mode: 'current' } | { mode: 'rebuild'; reason: string } | { mode: 'merge'; base: Versions };

export async function runPeriodModels(options: PeriodOptions): Promise<void> {
  const current = Object.fromEntries(INPUTS.map((input) => [input, options.current[input].version])) as Versions;
  // Tables normally share one base; after a run killed between them, those done are current.
  let prepared: { base: string; touched: TouchedRows } | undefined;
  try {
    for (const model of PERIOD_MODELS) {
      const fingerprint = modelFingerprint(model);
      const plan = await planTable(options.tableDir(model.name), fingerprint, current, options.fullRefresh);
      if (plan.mode === 'current') continue;
      const txns = lineageTxns(current, fingerprint);
      let reason = plan.mode === 'rebuild' ? plan.reason : '';
      if (plan.mode === 'merge') {
        const base = JSON.stringify(plan.base);
        if (prepared?.base !== base) {
          prepared = { base, touched: await prepareTouchedRows(options.conn, options.relations, plan.base, options.current) };
          const t = prepared.touched;
          if (t.kind === 'ready') options.log(`gold: period tables: merging ${t.sessions.toLocaleString('en-US')} touched sessions of ${t.users.toLocaleString('en-US')} users`);
        }
        const { touched } = prepared;
        if (touched.kind === 'unchanged') {
          options.track(model.name, await advance(options, model, txns));
          continue;
        }
        if (touched.kind === 'ready') {
          const written = await timed(`gold: ${model.name} (merge)`, () => mergeTable(options, model, txns));
          if (written) {
            options.track(model.name, written);
            continue;
          }
          reason = 'the stored rows do not match their recorded base';
        } else reason = touched.reason;
      }
      options.log(`gold: rebuilding ${model.name} whole: ${reason}`);
      options.track(model.name, await timed(`gold: ${model.name}`, () => rebuildTable(options, model, txns, reason)));
    }
  } finally {
    await dropTouchedRows(options.conn);
  }
}

/**
 * Hash of what a table's rows depend on besides its inputs: the model's SQL and its merge, rendered
 * over placeholder relations (function source text would differ between TypeScript transpilers).
 */
function modelFingerprint(model: GoldModel): string {
  const inputs = { stored: '$stored', old: '$old', new: '$new' };
  const merge = model.merge;
  const parts = [model.sql, merge?.kind ?? 'none'];
  if (merge?.kind === 'sums') parts.push(merge.sums.join(','), merge.derived?.columns.join(',') ?? '', merge.derived?.sql('$merged') ?? '', merge.orderBy);
  // Readers of an additive table sum its rows: a table a sums merge wrote is rebuilt once, and one an
  // additive merge wrote is not taken for a sums table by an older ClickLake.
  if (merge?.kind === 'additive') parts.push(merge.sums.join(','), merge.orderBy);
  if (merge?.kind === 'rows') parts.push(merge.orderBy);
  if (merge?.kind === 'custom') parts.push(merge.staged(inputs), merge.inconsistent(inputs, '$staged'), merge.result('$staged'));
  return createHash('sha256').update(parts.join('\n--\n')).digest('hex').slice(0, 12);
}

async function planTable(dir: string, fingerprint: string, current: Versions, fullRefresh: boolean): Promise<Plan> {
  if (fullRefresh) return { mode: 'rebuild', reason: 'full refresh' };
  if (!DeltaTable.exists(dir)) return { mode: 'rebuild', reason: 'new table' };
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const recorded = recordedVersions(snapshot, INPUTS, fingerprint);
  if (!recorded) return { mode: 'rebuild', reason: 'no input versions recorded for this model' };
  // A write that did not record versions (an older ClickLake) leaves the earlier record behind.
  if (!lastCommitRecords(snapshot, recorded, fingerprint)) return { mode: 'rebuild', reason: 'its last commit did not record input versions' };
  if (INPUTS.every((input) => recorded[input] === current[input])) return { mode: 'current' };
  const ahead = INPUTS.find((input) => recorded[input] > current[input]);
  if (ahead) return { mode: 'rebuild', reason: `it records ${ahead} version ${recorded[ahead]}, newer than the table (was it recreated?)` };
  return { mode: 'merge', base: recorded };
}

/**
 * Whether the table's last commit that changed data records these versions. Commits that only
 * rearranged files (`table optimize`) are looked past: the rows are the ones the earlier commit wrote.
 */
function lastCommitRecords(snapshot: Snapshot, recorded: Versions, fingerprint: string): boolean {
  try {
    for (let version = snapshot.version; version >= 0; version -= 1) {
      const batch = readCommit(snapshot.tableDir, commitPath(snapshot.tableDir, version), version);
      if (rearrangesFilesOnly(batch)) continue;
      return INPUTS.every((input) => batch.txns.some((t) => t.appId === lineageAppId(input, fingerprint) && Number(t.version) === recorded[input]));
    }
    return false;
  } catch {
    return false;
  }
}

async function rebuildTable(options: PeriodOptions, model: GoldModel, txns: ReturnType<typeof lineageTxns>, reason: string): Promise<WriteResult> {
  await options.relations.useAllPeriodInputs(options.current['gold.session_facts']);
  return overwrite(options.conn, options.tableDir(model.name), model.sql, {
    createIfMissing: true,
    overwriteSchema: true,
    txns,
    operationParameters: { runId: options.runId, period: 'rebuild', reason },
  });
}

/** Folds the touched rows into the stored table; undefined when the stored rows fail the merge's check. */
async function mergeTable(options: PeriodOptions, model: GoldModel, txns: ReturnType<typeof lineageTxns>): Promise<WriteResult | undefined> {
  const { conn, relations } = options;
  const dir = options.tableDir(model.name);
  const stored = await (await DeltaTable.open(dir)).snapshot();
  const { compaction, ...merge } = mergePlan(model, { stored: `(${scanSql(stored).sql})`, old: 'inc_old_rows', new: 'inc_new_rows' }, stored.schema.fields);
  let plan: MergeStep = merge;
  try {
    await timed(`gold: ${model.name}: over touched rows`, async () => {
      for (const side of ['old', 'new'] as const) {
        await relations.useTouchedPeriodInputs(side);
        await conn.run(`CREATE OR REPLACE TEMP TABLE inc_${side}_rows AS ${model.sql}`);
      }
    });
    const [{ n }] = await timed(`gold: ${model.name}: merge`, async () => {
      await conn.run(`CREATE OR REPLACE TEMP TABLE ${STAGED} AS ${plan.staged}`);
      if (compaction && (await compactionDue(conn, stored))) {
        plan = compaction;
        await conn.run(`CREATE OR REPLACE TEMP TABLE ${COMPACTED} AS ${compaction.staged}`);
      }
      return queryRows<{ n: number }>(conn, plan.inconsistent);
    });
    if (n > 0) return undefined;
    const write = plan.write === 'append' ? append : overwrite;
    return await timed(`gold: ${model.name}: ${plan.write}`, () =>
      write(conn, dir, plan.result, { txns, operationParameters: { runId: options.runId, period: 'merge', write: plan.write, readVersion: stored.version } }),
    );
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${STAGED}; DROP TABLE IF EXISTS ${COMPACTED}; DROP TABLE IF EXISTS inc_old_rows; DROP TABLE IF EXISTS inc_new_rows`);
  }
}

/**
 * Whether an additive table is rewritten with one row per key rather than given the staged change:
 * once it holds many files (a rewrite leaves one, each appending merge adds one), or when the change
 * is large next to the table (a big batch: appending it would grow the table as much as many runs).
 */
async function compactionDue(conn: DuckDBConnection, stored: Snapshot): Promise<boolean> {
  if (stored.files.length >= COMPACT_AT_FILES) return true;
  const [{ n }] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${STAGED}`);
  return n * COMPACT_AT_FILES > (stored.numRecords ?? 0);
}

/** Records the current input versions without rewriting rows (nothing they depend on changed). */
async function advance(options: PeriodOptions, model: GoldModel, txns: ReturnType<typeof lineageTxns>): Promise<WriteResult> {
  const dir = options.tableDir(model.name);
  const stored = await (await DeltaTable.open(dir)).snapshot();
  return append(options.conn, dir, `SELECT * FROM (${scanSql(stored).sql}) LIMIT 0`, { txns, operationParameters: { runId: options.runId, period: 'advance' } });
}
