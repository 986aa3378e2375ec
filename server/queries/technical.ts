/** Technical page queries: pipeline runs, data quality, every Delta table of the lake. */
import fs from 'node:fs';
import path from 'node:path';
import { DeltaTable } from '../../pipeline/delta';
import type { StageRecord } from '../../pipeline/quality/records';
import type { GoldState } from '../lake/catalog';
import type { Database, Params } from '../lake/database';

/** A gold.pipeline_runs row as the pipeline recorded it, with its start time as ISO text. */
export type RunStage = Omit<StageRecord, 'startedAt' | 'detail'> & { startedAt: string };

export async function runs(db: Database, state: GoldState, limit: number): Promise<Array<{ runId: string; startedAt: string; durationMs: number; stages: RunStage[] }>> {
  const params: Params = { limit };
  const rows = await db.rows<{ run_id: string; stage: string; started_at: string; duration_ms: number; rows_in: number; rows_out: number; rejected: number; quarantined: number; duplicates_removed: number; bytes_written: number; table_versions: string }>(
    `WITH recent AS (SELECT run_id FROM ${state.views.pipeline_runs} GROUP BY run_id ORDER BY min(started_at) DESC LIMIT $limit)
     SELECT run_id, stage, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at, duration_ms, rows_in, rows_out, rejected, quarantined, duplicates_removed, bytes_written, table_versions
     FROM ${state.views.pipeline_runs} WHERE run_id IN (SELECT run_id FROM recent) ORDER BY started_at DESC, stage`,
    params,
  );
  const byRun = new Map<string, { runId: string; startedAt: string; durationMs: number; stages: RunStage[] }>();
  for (const r of rows) {
    let run = byRun.get(r.run_id);
    if (!run) byRun.set(r.run_id, (run = { runId: r.run_id, startedAt: r.started_at, durationMs: 0, stages: [] }));
    if (r.started_at < run.startedAt) run.startedAt = r.started_at;
    run.durationMs += r.duration_ms;
    run.stages.push({
      stage: r.stage,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      rowsIn: r.rows_in,
      rowsOut: r.rows_out,
      rejected: r.rejected,
      quarantined: r.quarantined,
      duplicatesRemoved: r.duplicates_removed,
      bytesWritten: r.bytes_written,
      versions: parseVersions(r.table_versions),
    });
  }
  const order = ['bronze', 'silver', 'gold'];
  for (const run of byRun.values()) run.stages.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
  return [...byRun.values()];
}

function parseVersions(text: string): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export interface QualityReport {
  runId: string | null;
  measuredAt: string | null;
  quarantineReasons: Array<{ reason: string; rows: number }>;
  rawEmptyRates: Array<{ column: string; rate: number }>;
  silverNullRates: Array<{ column: string; rate: number }>;
  reconciliation: Record<string, number>;
  balanced: boolean | null;
  skippedFiles: string[];
  /** Share of bronze rows that reached silver or were removed as duplicates (1 = nothing quarantined). */
  score: number | null;
}

/** The latest run's data-quality metrics (gold.data_quality is long: one row per metric and subject). */
export async function quality(db: Database, state: GoldState): Promise<QualityReport> {
  const rows = await db.rows<{ run_id: string; measured_at: string; metric: string; subject: string; value: number }>(
    `WITH latest AS (SELECT run_id FROM ${state.views.data_quality} ORDER BY measured_at DESC LIMIT 1)
     SELECT run_id, strftime(measured_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS measured_at, metric, subject, value
     FROM ${state.views.data_quality} WHERE run_id IN (SELECT run_id FROM latest) ORDER BY metric, subject`,
  );
  const of = (metric: string) => rows.filter((r) => r.metric === metric);
  const reconciliation = Object.fromEntries(of('reconciliation').map((r) => [r.subject, r.value]));
  const bronze = reconciliation.bronze_rows;
  return {
    runId: rows[0]?.run_id ?? null,
    measuredAt: rows[0]?.measured_at ?? null,
    quarantineReasons: of('quarantine_reason').map((r) => ({ reason: r.subject, rows: r.value })).sort((a, b) => b.rows - a.rows),
    rawEmptyRates: of('raw_empty_rate').map((r) => ({ column: r.subject, rate: r.value })),
    silverNullRates: of('silver_null_rate').map((r) => ({ column: r.subject, rate: r.value })),
    reconciliation,
    balanced: 'balanced' in reconciliation ? reconciliation.balanced === 1 : null,
    skippedFiles: of('skipped_file').map((r) => r.subject),
    score: bronze ? Math.round((1 - (reconciliation.quarantined ?? 0) / bronze) * 10000) / 10000 : null,
  };
}

export interface TableInfo {
  name: string;
  layer: string;
  version: number;
  numFiles: number;
  numRecords: number | null;
  sizeBytes: number;
  partitionColumns: string[];
  partitions: number;
  history: Array<{ version: number; timestamp: string; operation: string | null; runId: string | null; numOutputRows: number | null }>;
}

const tableInfoCache = new Map<string, { version: number; info: TableInfo }>();

/** Every Delta table under `<lake>/<layer>/<table>` at its latest version (cached per version). */
export async function tables(lakeDir: string, historyLimit: number): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  for (const layer of ['bronze', 'silver', 'gold']) {
    const layerDir = path.join(lakeDir, layer);
    if (!fs.existsSync(layerDir)) continue;
    for (const entry of fs.readdirSync(layerDir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = path.join(layerDir, entry.name);
      if (!DeltaTable.exists(dir)) continue;
      const table = await DeltaTable.open(dir);
      const version = table.latestVersion();
      const key = `${dir}|${historyLimit}`;
      const cached = tableInfoCache.get(key);
      if (cached && cached.version === version) {
        out.push(cached.info);
        continue;
      }
      const snapshot = await table.snapshot({ version });
      const partitions = new Set(snapshot.files.map((f) => JSON.stringify(f.partitionValues)));
      const info: TableInfo = {
        name: `${layer}.${entry.name}`,
        layer,
        version,
        numFiles: snapshot.numFiles,
        numRecords: snapshot.numRecords,
        sizeBytes: snapshot.sizeBytes,
        partitionColumns: snapshot.partitionColumns,
        partitions: snapshot.partitionColumns.length ? partitions.size : 0,
        history: table.history({ limit: historyLimit }).map((h) => ({
          version: h.version,
          timestamp: new Date(h.timestamp).toISOString(),
          operation: h.operation,
          runId: typeof h.operationParameters.runId === 'string' ? h.operationParameters.runId : null,
          numOutputRows: numberOrNull(h.operationMetrics.numOutputRows),
        })),
      };
      tableInfoCache.set(key, { version, info });
      out.push(info);
    }
  }
  return out;
}

function numberOrNull(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}
