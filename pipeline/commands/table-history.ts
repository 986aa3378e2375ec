/** `clicklake table history`: commitInfo per version, newest first. */
import { defineCommand } from '../cli/command';
import { parseInteger } from '../cli/parse';
import { DeltaTable } from '../delta';
import { textTable } from './table-common';

export const tableHistoryCommand = defineCommand<{ json?: boolean; limit?: string }>({
  name: 'table history',
  summary: 'Show the commits of a Delta table, newest first',
  usage: '<table-dir> [--limit N] [--json]',
  optionHelp: ['--limit N              show only the newest N versions', '--json                 print a JSON array'],
  options: { json: { type: 'boolean' }, limit: { type: 'string' } },
  positionals: { min: 1, max: 1, names: '<table-dir>' },
  async run({ values, positionals, out }) {
    const limit = parseInteger('limit', values.limit, { min: 1 });
    const history = (await DeltaTable.open(positionals[0])).history({ limit });
    if (values.json) {
      out.write(`${JSON.stringify(history.map(({ commitInfo: _info, ...entry }) => entry), null, 2)}\n`);
      return;
    }
    const metric = (m: Record<string, unknown>, key: string) => (m[key] === undefined ? '-' : String(m[key]));
    out.write(
      textTable(
        ['version', 'timestamp', 'operation', 'files', 'rows', 'removed', 'blind', 'engine'],
        history.map((h) => [
          String(h.version),
          new Date(h.timestamp).toISOString(),
          h.operation ?? '-',
          metric(h.operationMetrics, h.operation === 'OPTIMIZE' ? 'numAddedFiles' : 'numFiles'),
          metric(h.operationMetrics, 'numOutputRows'),
          metric(h.operationMetrics, 'numRemovedFiles'),
          h.isBlindAppend === null ? '-' : h.isBlindAppend ? 'yes' : 'no',
          h.engineInfo ?? '-',
        ]),
      ),
    );
  },
});
