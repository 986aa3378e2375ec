import { defineCommand } from '../cli/command';
import { resolveLakeDir } from '../config';
import { openDuckDB } from '../db';
import { formatQualityReport, qualityReport } from '../quality/report';

export const qualityCommand = defineCommand<{ lake?: string; json?: boolean }>({
  name: 'quality',
  summary: 'Data-quality report: reconciliation, quarantine by rule with examples, rejects, null rates.',
  usage: '[--lake DIR] [--json]',
  optionHelp: ['--lake DIR             lake directory', '--json                 print the report as JSON'],
  options: { lake: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, out }) {
    const instance = await openDuckDB();
    const conn = await instance.connect();
    try {
      const report = await qualityReport(conn, resolveLakeDir(values.lake));
      out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatQualityReport(report));
    } finally {
      conn.closeSync();
    }
  },
});
