/**
 * The pipeline's records of itself, as gold tables for the technical page:
 *
 * gold.pipeline_runs — grain: one row per (run_id, stage). Its commit is the last of every run, so
 * readers (the API) treat it as the "run finished" marker. When it started, how long it took, rows in
 * and out, rejected, quarantined, duplicates removed, bytes written, the table versions it produced.
 *
 * gold.data_quality — grain: one row per (run_id, metric, subject). Long format so new checks need no
 * schema change: `quarantine_reason` (subject = reason code), `raw_empty_rate` / `silver_null_rate`
 * (subject = column), `reconciliation` (subject = bronze_rows, silver_rows, …, balanced).
 */
import type { DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import { DuckDBTimestampTZValue } from '@duckdb/node-api';
import { append } from '../delta/operations';
import { TABLES, tableDir } from '../layers/tables';
import type { RunSummary } from '../run';

export interface StageRecord {
  stage: string;
  startedAt: Date;
  durationMs: number;
  rowsIn: number;
  rowsOut: number;
  rejected: number;
  quarantined: number;
  duplicatesRemoved: number;
  bytesWritten: number;
  versions: Record<string, number>;
  detail: Record<string, unknown>;
}

type Row = DuckDBValue[];

/** `SELECT * FROM (VALUES ($1, $2, …), …) t(cols)` with every value bound. */
function valuesQuery(columns: Array<[name: string, type: string]>, rows: Row[]): { sql: string; params: DuckDBValue[] } {
  const params: DuckDBValue[] = [];
  const tuples = rows.map((row) => `(${row.map((value, i) => {
    params.push(value);
    return `CAST($${params.length} AS ${columns[i][1]})`;
  }).join(', ')})`);
  return { sql: `SELECT * FROM (VALUES ${tuples.join(', ')}) AS t(${columns.map(([name]) => name).join(', ')})`, params };
}

const timestamp = (date: Date) => new DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);

export async function recordRun(instance: DuckDBInstance, lakeDir: string, summary: RunSummary): Promise<void> {
  const conn = await instance.connect();
  try {
    const runs = valuesQuery(
      [
        ['run_id', 'VARCHAR'],
        ['stage', 'VARCHAR'],
        ['started_at', 'TIMESTAMPTZ'],
        ['duration_ms', 'BIGINT'],
        ['rows_in', 'BIGINT'],
        ['rows_out', 'BIGINT'],
        ['rejected', 'BIGINT'],
        ['quarantined', 'BIGINT'],
        ['duplicates_removed', 'BIGINT'],
        ['bytes_written', 'BIGINT'],
        ['table_versions', 'VARCHAR'],
        ['detail', 'VARCHAR'],
      ],
      summary.stages.map((s) => [
        summary.runId,
        s.stage,
        timestamp(s.startedAt),
        s.durationMs,
        s.rowsIn,
        s.rowsOut,
        s.rejected,
        s.quarantined,
        s.duplicatesRemoved,
        s.bytesWritten,
        JSON.stringify(s.versions),
        JSON.stringify(s.detail),
      ]),
    );

    const measuredAt = timestamp(new Date());
    const metrics: Array<[string, string, number]> = [];
    for (const [reason, n] of Object.entries(summary.silver.quarantineByReason)) metrics.push(['quarantine_reason', reason, n]);
    for (const [column, n] of Object.entries(summary.silver.rawEmptyCounts)) metrics.push(['raw_empty_rate', column, summary.silver.rowsIn > 0 ? n / summary.silver.rowsIn : 0]);
    for (const [column, n] of Object.entries(summary.silver.nullCounts)) metrics.push(['silver_null_rate', column, summary.silver.rowsOut > 0 ? n / summary.silver.rowsOut : 0]);
    const r = summary.reconciliation;
    for (const [subject, value] of Object.entries({
      landing_lines: r.landingLines,
      bronze_rows: r.bronzeRows,
      rejects: r.rejects,
      silver_rows: r.silverRows,
      quarantined: r.quarantined,
      duplicates_removed: r.duplicatesRemoved,
      difference: r.difference,
      balanced: r.balanced ? 1 : 0,
    })) {
      metrics.push(['reconciliation', subject, value]);
    }
    for (const file of summary.bronze.files.filter((f) => f.status === 'failed')) metrics.push(['skipped_file', `${file.name}: ${file.code}`, 1]);
    const quality = valuesQuery(
      [
        ['run_id', 'VARCHAR'],
        ['measured_at', 'TIMESTAMPTZ'],
        ['metric', 'VARCHAR'],
        ['subject', 'VARCHAR'],
        ['value', 'DOUBLE'],
      ],
      metrics.map(([metric, subject, value]) => [summary.runId, measuredAt, metric, subject, value]),
    );
    if (metrics.length > 0) {
      await append(conn, tableDir(lakeDir, TABLES.dataQuality), quality.sql, { params: quality.params, createIfMissing: true, operationParameters: { runId: summary.runId } });
    }
    // Written last: a pipeline_runs commit marks every gold commit before it as part of a finished run.
    await append(conn, tableDir(lakeDir, TABLES.pipelineRuns), runs.sql, { params: runs.params, createIfMissing: true, operationParameters: { runId: summary.runId } });

  } finally {
    conn.closeSync();
  }
}
