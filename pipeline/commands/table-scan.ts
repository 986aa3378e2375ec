/**
 * `clicklake table scan`: stream a table's rows as JSON lines or CSV (DESIGN section 6 formats).
 * Rows are fetched chunk by chunk from a streaming DuckDB result and written with back-pressure.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { defineCommand } from '../cli/command';
import { parseChoice, parseInteger } from '../cli/parse';
import { DeltaTable, scanSql } from '../delta';
import { csvCell, jsonValue, snapshotOptions, versionOptionHelp, versionOptions, writeOut } from './table-common';

export const tableScanCommand = defineCommand<{ version?: string; timestamp?: string; format?: string; limit?: string }>({
  name: 'table scan',
  summary: "Print a Delta table's rows as JSON lines or CSV",
  usage: '<table-dir> [--version N | --timestamp ISO] [--format jsonl|csv] [--limit N]',
  optionHelp: [...versionOptionHelp, '--format jsonl|csv     output format (default jsonl)', '--limit N              print at most N rows'],
  options: { ...versionOptions, format: { type: 'string' }, limit: { type: 'string' } },
  positionals: { min: 1, max: 1, names: '<table-dir>' },
  async run({ values, positionals, out }) {
    const format = parseChoice('format', values.format, ['jsonl', 'csv'] as const) ?? 'jsonl';
    const limit = parseInteger('limit', values.limit, { min: 0 });
    const options = snapshotOptions(values);
    const snapshot = await (await DeltaTable.open(positionals[0])).snapshot(options);
    const { sql } = scanSql(snapshot);
    const fields = snapshot.schema.fields;
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const result = await conn.stream(limit === undefined ? sql : `${sql} LIMIT ${limit}`);
      if (format === 'csv') out.write(`${fields.map((f) => csvCell(f.name)).join(',')}\n`);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        let text = '';
        for (const row of chunk.getRows()) {
          if (format === 'jsonl') {
            const object: Record<string, unknown> = {};
            fields.forEach((f, i) => (object[f.name] = jsonValue(row[i], f.type)));
            text += `${JSON.stringify(object)}\n`;
          } else {
            text += `${fields.map((f, i) => csvCell(jsonValue(row[i], f.type))).join(',')}\n`;
          }
        }
        await writeOut(out, text);
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  },
});
