/** `clicklake table vacuum`: delete data files no version within the retention period references. */
import { defineCommand } from '../cli/command';
import { parseNumber } from '../cli/parse';
import { vacuum } from '../delta';
import { formatBytes } from './table-common';

export const tableVacuumCommand = defineCommand<{ 'retain-hours'?: string; 'dry-run'?: boolean; force?: boolean }>({
  name: 'table vacuum',
  summary: 'Delete unreferenced data files older than the retention period',
  usage: '<table-dir> [--retain-hours H] [--dry-run] [--force]',
  optionHelp: [
    '--retain-hours H       keep files needed by versions of the last H hours (default 168)',
    '--dry-run              list the files instead of deleting them',
    '--force                allow a retention below 168 hours',
  ],
  options: { 'retain-hours': { type: 'string' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } },
  positionals: { min: 1, max: 1, names: '<table-dir>' },
  async run({ values, positionals, out }) {
    const retentionHours = parseNumber('retain-hours', values['retain-hours'], { min: 0 });
    const result = await vacuum(positionals[0], { retentionHours, dryRun: values['dry-run'], force: values.force });
    if (result.dryRun) {
      for (const file of result.files) out.write(`${file}\n`);
      out.write(`${result.files.length} file(s), ${formatBytes(result.bytes)} would be deleted\n`);
    } else {
      out.write(`deleted ${result.files.length} file(s), ${formatBytes(result.bytes)}\n`);
    }
  },
});
