/** `clicklake table list`: every Delta table under the lake directory (DESIGN section 6). */
import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from '../cli/command';
import { resolveLakeDir } from '../config';
import { DeltaTable } from '../delta';
import { formatBytes, textTable } from './table-common';

export interface TableSummary {
  name: string;
  path: string;
  version: number;
  numFiles: number;
  numRecords: number | null;
  sizeBytes: number;
}

/** Directories under `lake` (up to three levels) that hold a `_delta_log`, sorted. */
export function findTables(lake: string, depth = 3): string[] {
  const found: string[] = [];
  const walk = (dir: string, level: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isDirectory() && e.name === '_delta_log')) {
      found.push(dir);
      return;
    }
    if (level >= depth) return;
    for (const entry of entries) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !entry.name.startsWith('_')) walk(path.join(dir, entry.name), level + 1);
    }
  };
  walk(lake, 0);
  return found.sort();
}

export async function summarizeTables(lake: string): Promise<TableSummary[]> {
  const summaries: TableSummary[] = [];
  for (const dir of findTables(lake)) {
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    summaries.push({
      name: path.relative(lake, dir).split(path.sep).join('.'),
      path: dir,
      version: snapshot.version,
      numFiles: snapshot.numFiles,
      numRecords: snapshot.numRecords,
      sizeBytes: snapshot.sizeBytes,
    });
  }
  return summaries;
}

export const tableListCommand = defineCommand<{ lake?: string; json?: boolean }>({
  name: 'table list',
  summary: 'List the Delta tables under the lake directory',
  usage: '[--lake DIR] [--json]',
  optionHelp: ['--lake DIR             lake directory (default $CLICKLAKE_LAKE or data/lake)', '--json                 print a JSON array'],
  options: { lake: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, out }) {
    const lake = resolveLakeDir(values.lake);
    const tables = await summarizeTables(lake);
    if (values.json) {
      out.write(`${JSON.stringify(tables, null, 2)}\n`);
      return;
    }
    if (tables.length === 0) {
      out.write(`no Delta tables under ${lake}\n`);
      return;
    }
    out.write(
      textTable(
        ['name', 'version', 'files', 'records', 'size', 'path'],
        tables.map((t) => [t.name, String(t.version), String(t.numFiles), t.numRecords === null ? '-' : String(t.numRecords), formatBytes(t.sizeBytes), t.path]),
      ),
    );
  },
});
