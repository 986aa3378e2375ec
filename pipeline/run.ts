/**
 * One pipeline run: landing → bronze → silver → gold, then the run's own records (gold.pipeline_runs,
 * gold.data_quality). Each stage commits on its own; a failure leaves every table at its last
 * committed version and the next run resumes from the txn markers each stage left behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDB } from './db';
import { PipelineError } from './errors';
import { runBronze, type BronzeOptions, type BronzeResult } from './layers/bronze/bronze';
import { runGold, type GoldResult } from './layers/gold/gold';
import { runSilver, type SilverResult } from './layers/silver/silver';
import { reconcile, type Reconciliation } from './quality/reconcile';
import { recordRun, type StageRecord } from './quality/records';

export interface RunOptions {
  landingDir: string;
  lakeDir: string;
  fullRefresh?: boolean;
  log?: (line: string) => void;
  onProgress?: (stage: string, done: number, total: number) => void;
  instance?: DuckDBInstance;
  /** Staging knobs (tests): piece size, in-place size limit, numbered path for every file. */
  staging?: Pick<BronzeOptions, 'pieceBytes' | 'directMaxBytes' | 'forceNumbered'>;
}

export interface RunSummary {
  runId: string;
  batchId: string;
  startedAt: string;
  durationMs: number;
  bronze: BronzeResult;
  silver: SilverResult;
  gold: GoldResult;
  reconciliation: Reconciliation;
  stages: StageRecord[];
}

export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? (() => undefined);
  const started = new Date();
  const runId = `${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`;
  const batchId = runId;
  mkdirSync(options.lakeDir, { recursive: true });
  const instance = options.instance ?? (await openDuckDB());
  const stages: StageRecord[] = [];
  const timed = async <T>(stage: string, work: () => Promise<T>, describe: (value: T) => Omit<StageRecord, 'stage' | 'startedAt' | 'durationMs'>): Promise<T> => {
    const at = new Date();
    const t0 = performance.now();
    try {
      const value = await work();
      stages.push({ stage, startedAt: at, durationMs: Math.round(performance.now() - t0), ...describe(value) });
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new PipelineError('stage_failed', `${stage} stage failed: ${message.split('\n')[0]}`, { cause: error });
    }
  };

  const bronze = await timed(
    'bronze',
    () =>
      runBronze({
        instance,
        landingDir: options.landingDir,
        lakeDir: options.lakeDir,
        batchId,
        ingestedAt: started,
        log,
        ...options.staging,
        onProgress: (done, total) => options.onProgress?.('bronze', done, total),
      }),
    (b) => ({
      rowsIn: b.rows + b.rejects,
      rowsOut: b.rows,
      rejected: b.rejects,
      quarantined: 0,
      duplicatesRemoved: 0,
      bytesWritten: b.bytesWritten,
      versions: { 'bronze.events': b.eventsVersion, 'bronze.rejects': b.rejectsVersion },
      detail: { files: b.files },
    }),
  );
  const silver = await timed(
    'silver',
    () => runSilver({ instance, lakeDir: options.lakeDir, runId, fullRefresh: Boolean(options.fullRefresh), log }),
    (s) => ({
      rowsIn: s.rowsIn,
      rowsOut: s.rowsOut,
      rejected: 0,
      quarantined: s.quarantined,
      duplicatesRemoved: s.duplicatesRemoved,
      bytesWritten: s.bytesWritten,
      versions: { 'silver.events': s.eventsVersion, 'silver.quarantine': s.quarantineVersion },
      detail: { quarantineByReason: s.quarantineByReason, touchedDates: s.touchedDates },
    }),
  );
  const gold = await timed(
    'gold',
    () =>
      runGold({
        instance,
        lakeDir: options.lakeDir,
        runId,
        // Otherwise each gold table catches up from the input versions it records.
        fullRefresh: Boolean(options.fullRefresh),
        log,
      }),
    (g) => ({
      rowsIn: silver.rowsOut,
      rowsOut: g.tables.reduce((sum, t) => sum + t.rows, 0),
      rejected: 0,
      quarantined: 0,
      duplicatesRemoved: 0,
      bytesWritten: g.bytesWritten,
      versions: Object.fromEntries(g.tables.map((t) => [`gold.${t.name}`, t.version])),
      detail: { datesRebuilt: g.datesRebuilt },
    }),
  );
  const reconciliation = await reconcile(options.lakeDir);
  const summary: RunSummary = { runId, batchId, startedAt: started.toISOString(), durationMs: 0, bronze, silver, gold, reconciliation, stages };
  summary.durationMs = Date.now() - started.getTime();
  const changed = bronze.rows + bronze.rejects > 0 || !silver.skipped || gold.tables.length > 0 || bronze.files.some((f) => f.status === 'failed');
  if (changed) await recordRun(instance, options.lakeDir, summary);
  if (!reconciliation.balanced) {
    throw new PipelineError('reconciliation_failed', `reconciliation failed: bronze.events has ${reconciliation.difference} rows not accounted for by silver.events + silver.quarantine + duplicates`);
  }
  return summary;
}
