/** `clicklake table optimize`: compact small files per partition, optionally clustered by columns. */
import { DuckDBInstance } from '@duckdb/node-api';
import { defineCommand } from '../cli/command';
import { parseNumber } from '../cli/parse';
import { optimize } from '../delta';
import { formatBytes } from './table-common';

export const tableOptimizeCommand = defineCommand<{ 'cluster-by'?: string; 'target-size-mb'?: string }>({
  name: 'table optimize',
  summary: 'Compact small files of a Delta table (bin-packing, optional clustering)',
  usage: '<table-dir> [--cluster-by col,...] [--target-size-mb MB]',
  optionHelp: ['--cluster-by col,...   sort rewritten files by these columns', '--target-size-mb MB    target file size (default 128)'],
  options: { 'cluster-by': { type: 'string' }, 'target-size-mb': { type: 'string' } },
  positionals: { min: 1, max: 1, names: '<table-dir>' },
  async run({ values, positionals, out }) {
    const clusterBy = values['cluster-by']?.split(',').map((c) => c.trim()).filter(Boolean);
    const targetMb = parseNumber('target-size-mb', values['target-size-mb'], { min: 1 });
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const result = await optimize(conn, positionals[0], { clusterBy, targetFileSize: targetMb === undefined ? undefined : targetMb * 1024 * 1024 });
      if (result.version === null) {
        out.write('nothing to optimize\n');
        return;
      }
      out.write(
        `version ${result.version}: ${result.numFilesRemoved} files → ${result.numFilesAdded} in ${result.numPartitionsOptimized} partition(s); ` +
          `${formatBytes(result.bytesBefore)} → ${formatBytes(result.bytesAfter)}\n`,
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  },
});
