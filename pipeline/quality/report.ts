/**
 * The data-quality report behind `clicklake quality`: reconciliation, quarantine counts per rule with
 * examples, rejected lines by detail, and null rates per column in raw (bronze, empty after trimming)
 * and silver. Reads the lake's current snapshots.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../db';
import { scanSql } from '../delta/scan';
import { DeltaTable } from '../delta/table';
import { SOURCE_COLUMNS } from '../layers/bronze/landing';
import { TABLES, tableDir } from '../layers/tables';
import { reconcile, type Reconciliation } from './reconcile';

export interface QualityReport {
  reconciliation: Reconciliation;
  quarantine: Array<{ reason: string; rows: number; examples: Array<{ file: string; line: number; values: Record<string, string | null> }> }>;
  rejects: Array<{ detail: string; rows: number; example: { file: string; line: number; raw: string } }>;
  nullRates: Array<{ column: string; raw: number | null; silver: number | null }>;
}

async function source(lakeDir: string, table: string): Promise<string | undefined> {
  const dir = tableDir(lakeDir, table);
  if (!DeltaTable.exists(dir)) return undefined;
  return `(${scanSql(await (await DeltaTable.open(dir)).snapshot()).sql})`;
}

export async function qualityReport(conn: DuckDBConnection, lakeDir: string): Promise<QualityReport> {
  const reconciliation = await reconcile(lakeDir);
  const report: QualityReport = { reconciliation, quarantine: [], rejects: [], nullRates: [] };
  const quarantine = await source(lakeDir, TABLES.silverQuarantine);
  if (quarantine) {
    const counts = await queryRows<{ reason: string; rows: number }>(conn, `SELECT primary_reason AS reason, count(*) AS rows FROM ${quarantine} GROUP BY 1 ORDER BY 2 DESC, 1`);
    for (const { reason, rows } of counts) {
      const examples = await queryRows<Record<string, string | null> & { _source_file: string; _source_line: number }>(
        conn,
        `SELECT _source_file, _source_line, ${SOURCE_COLUMNS.join(', ')} FROM ${quarantine} WHERE primary_reason = $reason ORDER BY _source_file, _source_line LIMIT 3`,
        { reason },
      );
      report.quarantine.push({
        reason,
        rows,
        examples: examples.map(({ _source_file, _source_line, ...values }) => ({ file: _source_file, line: _source_line, values })),
      });
    }
  }
  const rejects = await source(lakeDir, TABLES.bronzeRejects);
  if (rejects) {
    const rows = await queryRows<{ detail: string; rows: number; file: string; line: number; raw: string }>(
      conn,
      `SELECT detail, count(*) AS rows, arg_min(_source_file, _source_line) AS file, min(_source_line) AS line, arg_min(raw, _source_line) AS raw FROM ${rejects} GROUP BY 1 ORDER BY 2 DESC`,
    );
    report.rejects = rows.map(({ detail, rows: n, file, line, raw }) => ({ detail, rows: n, example: { file, line, raw } }));
  }
  const bronze = await source(lakeDir, TABLES.bronzeEvents);
  const silver = await source(lakeDir, TABLES.silverEvents);
  const raw = bronze
    ? (await queryRows<Record<string, number | null>>(conn, `SELECT ${SOURCE_COLUMNS.map((c) => `avg(CASE WHEN trim(coalesce(${c}, '')) = '' THEN 1 ELSE 0 END) AS ${c}`).join(', ')} FROM ${bronze}`))[0]
    : {};
  const clean = silver
    ? (await queryRows<Record<string, number | null>>(conn, `SELECT ${SOURCE_COLUMNS.map((c) => `avg(CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END) AS ${c}`).join(', ')} FROM ${silver}`))[0]
    : {};
  report.nullRates = SOURCE_COLUMNS.map((column) => ({ column, raw: raw[column] ?? null, silver: clean[column] ?? null }));
  return report;
}

export function formatQualityReport(report: QualityReport): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(2)} %`);
  const r = report.reconciliation;
  const lines = [
    'Reconciliation',
    `  landing lines      ${n(r.landingLines).padStart(14)}  = bronze.events ${n(r.bronzeRows)} + bronze.rejects ${n(r.rejects)}`,
    `  bronze.events      ${n(r.bronzeRows).padStart(14)}  = silver.events ${n(r.silverRows)} + quarantine ${n(r.quarantined)} + duplicates ${n(r.duplicatesRemoved)}`,
    `  status             ${r.balanced ? 'balanced' : `OFF BY ${n(r.difference)}`}`,
    '',
    'Quarantine by rule (primary reason)',
  ];
  if (report.quarantine.length === 0) lines.push('  none');
  for (const q of report.quarantine) {
    lines.push(`  ${q.reason.padEnd(22)} ${n(q.rows).padStart(12)}`);
    for (const e of q.examples) lines.push(`      e.g. ${e.file}:${e.line}  ${Object.values(e.values).map((v) => v ?? '').join(',')}`);
  }
  lines.push('', 'Rejected lines (not 9-field CSV rows)');
  if (report.rejects.length === 0) lines.push('  none');
  for (const rej of report.rejects) lines.push(`  ${rej.detail.padEnd(34)} ${n(rej.rows).padStart(10)}   e.g. ${rej.example.file}:${rej.example.line}`);
  lines.push('', 'Null / empty rate by column          raw (bronze)      silver');
  for (const c of report.nullRates) lines.push(`  ${c.column.padEnd(34)} ${pct(c.raw).padStart(12)} ${pct(c.silver).padStart(12)}`);
  return `${lines.join('\n')}\n`;
}
