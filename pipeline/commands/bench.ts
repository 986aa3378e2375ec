import { defineCommand } from '../cli/command';
import { UsageError } from '../cli/errors';
import { parseInteger } from '../cli/parse';
import { formatDuration } from '../cli/progress';
import { runDeltaBench, type DeltaBenchResult } from '../bench/delta-bench';
import { runPipelineBench, type PipelineBenchResult } from '../bench/pipeline-bench';
import { recordBenchmark } from '../bench/record';
import { resolveLakeDir } from '../config';

const FULL_MONTH = 42_448_764;
const SECTIONS = ['pipeline', 'delta'] as const;

export const benchCommand = defineCommand<{ events?: string; json?: boolean; only?: string; lake?: string }>({
  name: 'bench',
  summary: 'Benchmarks: the pipeline against a bare DuckDB CSV→Parquet baseline, and the Delta log.',
  usage: '[--events N|full] [--only pipeline,delta] [--json] [--lake DIR]',
  optionHelp: [
    '--events N|full        events to generate for the pipeline benchmark (default 1000000)',
    '--only LIST            run only these sections: pipeline, delta',
    '--json                 print the results as JSON',
    '--lake DIR             lake whose gold.benchmarks table records the results',
  ],
  options: { events: { type: 'string' }, json: { type: 'boolean' }, only: { type: 'string' }, lake: { type: 'string' } },
  async run({ values, out, err }) {
    const events = values.events === 'full' ? FULL_MONTH : (parseInteger('events', values.events, { min: 1000, max: 500_000_000 }) ?? 1_000_000);
    const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
    for (const section of only) if (!(SECTIONS as readonly string[]).includes(section)) throw new UsageError(`--only: unknown section '${section}' (expected ${SECTIONS.join(', ')})`);
    const log = (line: string) => err.write(`${line}\n`);
    const results: { pipeline?: PipelineBenchResult; delta?: DeltaBenchResult } = {};
    if (only.includes('pipeline')) results.pipeline = await runPipelineBench({ events, log });
    if (only.includes('delta')) results.delta = await runDeltaBench({ log });
    await recordBenchmark(resolveLakeDir(values.lake), results);
    out.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : formatBench(results));
  },
});

function formatBench(results: { pipeline?: PipelineBenchResult; delta?: DeltaBenchResult }): string {
  const lines: string[] = [];
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const p = results.pipeline;
  if (p) {
    lines.push(`Pipeline — ${p.events.toLocaleString('en-US')} events, ${mib(p.landingBytes)} of CSV`);
    lines.push(`  baseline DuckDB CSV→Parquet   ${formatDuration(p.baseline.ms).padStart(10)}   peak RSS ${mib(p.baseline.maxRssBytes)}`);
    for (const [stage, ms] of Object.entries(p.pipeline.stages)) lines.push(`  ${stage.padEnd(29)} ${formatDuration(ms).padStart(10)}`);
    lines.push(`  full run landing → gold       ${formatDuration(p.pipeline.ms).padStart(10)}   peak RSS ${mib(p.pipeline.maxRssBytes)}   ${p.pipeline.eventsPerSecond.toLocaleString('en-US')} events/s`);
    lines.push(`  ratio pipeline ÷ baseline     ${p.pipeline.ratioToBaseline.toFixed(2).padStart(10)}   (target ≤ 3.00)`);
    lines.push(`  incremental one-day append    ${formatDuration(p.incremental.ms).padStart(10)}   ${p.incremental.events.toLocaleString('en-US')} events (target ≤ 10 s)`);
    lines.push(`  reconciled                    ${p.reconciled ? 'yes' : 'NO'}`);
  }
  const d = results.delta;
  if (d) {
    lines.push('Delta log');
    lines.push(`  snapshot load, ${d.snapshotLoad.commits} commits   ${d.snapshotLoad.medianMs.toFixed(1).padStart(8)} ms (target ≤ 100)`);
    lines.push(`  replay ${d.replay.addActions.toLocaleString('en-US')} add actions  ${d.replay.medianMs.toFixed(1).padStart(8)} ms (target ≤ 1000)`);
    lines.push(`  prune ${d.pruning.files.toLocaleString('en-US')} files          ${d.pruning.medianMs.toFixed(1).padStart(8)} ms (kept ${d.pruning.kept.toLocaleString('en-US')})`);
  }
  return `${lines.join('\n')}\n`;
}
