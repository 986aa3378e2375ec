import { defineCommand } from '../cli/command';
import { createProgress, formatCount, formatDuration, type Progress } from '../cli/progress';
import { resolveLakeDir, resolveLandingDir } from '../config';
import { runPipeline, type RunSummary } from '../run';

export const runCommand = defineCommand<{ landing?: string; lake?: string; 'full-refresh'?: boolean; json?: boolean }>({
  name: 'run',
  summary: 'Ingest everything new in landing and update bronze, silver and gold (incremental by default).',
  usage: '[--landing DIR] [--lake DIR] [--full-refresh] [--json]',
  optionHelp: [
    '--landing DIR          landing directory (default $CLICKLAKE_LANDING or data/landing)',
    '--lake DIR             lake directory (default $CLICKLAKE_LAKE or data/lake)',
    '--full-refresh         rebuild silver and gold from all of bronze',
    '--json                 print the run summary as JSON on stdout',
  ],
  options: {
    landing: { type: 'string' },
    lake: { type: 'string' },
    'full-refresh': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, out, err }) {
    const landingDir = resolveLandingDir(values.landing);
    const lakeDir = resolveLakeDir(values.lake);
    let bar: Progress | undefined;
    const summary = await runPipeline({
      landingDir,
      lakeDir,
      fullRefresh: values['full-refresh'],
      log: (line) => {
        if (!process.stderr.isTTY) err.write(`${line}\n`);
      },
      onProgress: (stage, done, total) => {
        bar ??= createProgress({ label: stage, total, unit: 'B' });
        bar.update(done);
        if (done >= total) {
          bar.done();
          bar = undefined;
        }
      },
    });
    if (values.json) out.write(`${JSON.stringify({ ...summary, maxRssBytes: process.resourceUsage().maxRSS * 1024 }, null, 2)}\n`);
    else out.write(formatSummary(summary));
  },
});

export function formatSummary(summary: RunSummary): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const r = summary.reconciliation;
  const lines = [`run ${summary.runId} finished in ${formatDuration(summary.durationMs)}`];
  const ingested = summary.bronze.files.filter((f) => f.status === 'ingested');
  const failed = summary.bronze.files.filter((f) => f.status === 'failed');
  lines.push(`  landing   ${ingested.length} file(s) ingested, ${summary.bronze.files.length - ingested.length - failed.length} already in, ${failed.length} skipped`);
  for (const file of failed) lines.push(`            skipped ${file.message}`);
  lines.push(`  bronze    +${n(summary.bronze.rows)} rows, +${n(summary.bronze.rejects)} rejected lines`);
  lines.push(`  silver    +${n(summary.silver.rowsOut)} events, +${n(summary.silver.quarantined)} quarantined, ${n(summary.silver.duplicatesRemoved)} duplicates removed`);
  for (const [reason, count] of Object.entries(summary.silver.quarantineByReason)) lines.push(`            ${reason.padEnd(22)} ${n(count)}`);
  lines.push(`  gold      ${summary.gold.tables.length} table(s) updated, ${summary.gold.datesRebuilt.length} date partition(s) rebuilt`);
  for (const stage of summary.stages) {
    const rate = stage.durationMs > 0 ? (stage.rowsIn / stage.durationMs) * 1000 : 0;
    lines.push(`  ${stage.stage.padEnd(8)}  ${formatDuration(stage.durationMs).padStart(9)}  ${formatCount(rate)} rows/s`);
  }
  lines.push(
    `  totals    bronze ${n(r.bronzeRows)} = silver ${n(r.silverRows)} + quarantine ${n(r.quarantined)} + duplicates ${n(r.duplicatesRemoved)}; rejects ${n(r.rejects)} — ${r.balanced ? 'reconciled' : `OFF BY ${n(r.difference)}`}`,
  );
  return `${lines.join('\n')}\n`;
}
