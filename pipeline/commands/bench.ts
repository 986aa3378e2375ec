import path from 'node:path';
import { runApiBench, type ApiBenchResult } from '../../server/bench/api-bench';
import type { BrowserBenchResult } from '../../e2e/bench-browser';
import { defineCommand } from '../cli/command';
import { UsageError } from '../cli/errors';
import { parseInteger } from '../cli/parse';
import { formatDuration } from '../cli/progress';
import { runDeltaBench, type DeltaBenchResult } from '../bench/delta-bench';
import { runPipelineBench, type PipelineBenchResult } from '../bench/pipeline-bench';
import { recordBenchmark } from '../bench/record';
import { resolveLakeDir } from '../config';

const FULL_MONTH = 42_448_764;
const SECTIONS = ['pipeline', 'delta', 'api', 'browser'] as const;
/** Where runPipelineBench leaves the lake it built (its default root). */
const PIPELINE_BENCH_LAKE = path.resolve(import.meta.dirname, '../../.tmp/bench/lake');

export const benchCommand = defineCommand<{ events?: string; json?: boolean; only?: string; lake?: string }>({
  name: 'bench',
  summary: 'Benchmarks: the pipeline against a bare DuckDB CSV→Parquet baseline, the Delta log, the gold API, and the dashboard in a browser.',
  usage: '[--events N|full] [--only pipeline,delta,api,browser] [--json] [--lake DIR]',
  optionHelp: [
    '--events N|full        events to generate for the pipeline benchmark (default 1000000)',
    '--only LIST            run only these sections: pipeline, delta, api, browser',
    '--json                 print the results as JSON',
    '--lake DIR             lake whose gold.benchmarks table records the results (and that api and browser read without pipeline)',
  ],
  options: { events: { type: 'string' }, json: { type: 'boolean' }, only: { type: 'string' }, lake: { type: 'string' } },
  async run({ values, out, err }) {
    const events = values.events === 'full' ? FULL_MONTH : (parseInteger('events', values.events, { min: 1000, max: 500_000_000 }) ?? 1_000_000);
    const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
    for (const section of only) if (!(SECTIONS as readonly string[]).includes(section)) throw new UsageError(`--only: unknown section '${section}' (expected ${SECTIONS.join(', ')})`);
    const log = (line: string) => err.write(`${line}\n`);
    const results: BenchResults = {};
    if (only.includes('pipeline')) results.pipeline = await runPipelineBench({ events, log });
    if (only.includes('delta')) results.delta = await runDeltaBench({ log });
    // The API reads the lake the pipeline section just built, or else the given/default lake.
    if (only.includes('api')) results.api = await runApiBench({ lakeDir: results.pipeline ? PIPELINE_BENCH_LAKE : resolveLakeDir(values.lake), log });
    // The production dashboard (built if stale) under `next start` over the same lake, in Chromium.
    const browserBench = only.includes('browser') ? await import('../../e2e/bench-browser') : undefined;
    if (browserBench) results.browser = await browserBench.runBrowserBench({ lakeDir: results.pipeline ? PIPELINE_BENCH_LAKE : resolveLakeDir(values.lake), log });
    await recordBenchmark(resolveLakeDir(values.lake), { ...results, api: results.api && apiMeasures(results.api), browser: results.browser && browserBench?.browserMeasures(results.browser) });
    out.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : formatBench(results) + (results.browser && browserBench ? `${browserBench.formatBrowserBench(results.browser).join('\n')}\n` : ''));
  },
});

interface BenchResults {
  pipeline?: PipelineBenchResult;
  delta?: DeltaBenchResult;
  api?: ApiBenchResult;
  browser?: BrowserBenchResult;
}

/** The API figures as named measures (`api.executive.kpis.date.p95Ms`) for gold.benchmarks. */
function apiMeasures(api: ApiBenchResult): object {
  const procedures: Record<string, object> = {};
  for (const t of api.procedures) procedures[`${t.procedure}.${t.filter}`] = { p50Ms: t.p50Ms, p95Ms: t.p95Ms };
  const { url: _url, ...load } = api.load;
  return { procedures, load };
}

function formatBench(results: BenchResults): string {
  const lines: string[] = [];
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const p = results.pipeline;
  if (p) {
    lines.push(`Pipeline — ${p.events.toLocaleString('en-US')} events, ${mib(p.landingBytes)} of CSV`);
    lines.push(
      `  baseline DuckDB CSV→Parquet   ${formatDuration(p.baseline.ms).padStart(10)}   peak RSS ${mib(p.baseline.maxRssBytes)}   CPU ${formatDuration(p.baseline.cpuMs)}   ` +
        `(mean of ${p.baseline.runsMs.map((ms) => formatDuration(ms)).join(' before and ')} after)`,
    );
    for (const [stage, ms] of Object.entries(p.pipeline.stages)) lines.push(`  ${stage.padEnd(29)} ${formatDuration(ms).padStart(10)}`);
    lines.push(`  full run landing → gold       ${formatDuration(p.pipeline.ms).padStart(10)}   peak RSS ${mib(p.pipeline.maxRssBytes)}   CPU ${formatDuration(p.pipeline.cpuMs)}   ${p.pipeline.eventsPerSecond.toLocaleString('en-US')} events/s`);
    lines.push(`  ratio pipeline ÷ baseline     ${p.pipeline.ratioToBaseline.toFixed(2).padStart(10)}   (wall; target ≤ 3.00)   CPU ratio ${p.pipeline.cpuRatioToBaseline.toFixed(2)}`);
    lines.push(`  incremental one-day append    ${formatDuration(p.incremental.ms).padStart(10)}   ${p.incremental.events.toLocaleString('en-US')} events (target ≤ 10 s)`);
    lines.push(`  a second day after it         ${formatDuration(p.incremental.secondDay.ms).padStart(10)}   ${p.incremental.secondDay.events.toLocaleString('en-US')} events`);
    lines.push(`  reconciled                    ${p.reconciled ? 'yes' : 'NO'}`);
  }
  const d = results.delta;
  if (d) {
    lines.push('Delta log');
    lines.push(`  snapshot load, ${d.snapshotLoad.commits} commits   ${d.snapshotLoad.medianMs.toFixed(1).padStart(8)} ms (target ≤ 100)`);
    lines.push(`  replay ${d.replay.addActions.toLocaleString('en-US')} add actions  ${d.replay.medianMs.toFixed(1).padStart(8)} ms (target ≤ 1000)`);
    lines.push(`  prune ${d.pruning.files.toLocaleString('en-US')} files          ${d.pruning.medianMs.toFixed(1).padStart(8)} ms (kept ${d.pruning.kept.toLocaleString('en-US')})`);
  }
  if (results.api) lines.push(...formatApi(results.api, mib));
  return `${lines.join('\n')}\n`;
}

function formatApi(api: ApiBenchResult, mib: (bytes: number) => string): string[] {
  const ms = (v: number | null) => (v === null ? '–' : v.toFixed(1)).padStart(8);
  const lines = [`Gold API — ${api.lakeDir} (${api.dateRange.min} … ${api.dateRange.max}), cache off; targets p95 ≤ 50 ms date, ≤ 150 ms category+brand`];
  lines.push(`  ${'procedure'.padEnd(26)} ${'date p50'.padStart(8)} ${'p95'.padStart(8)}   ${'c+b p50'.padStart(8)} ${'p95'.padStart(8)}`);
  for (const procedure of [...new Set(api.procedures.map((t) => t.procedure))]) {
    const date = api.procedures.find((t) => t.procedure === procedure && t.filter === 'date');
    const sliced = api.procedures.find((t) => t.procedure === procedure && t.filter === 'category+brand');
    const flag = (date?.p95Ms ?? 0) > 50 || (sliced?.p95Ms ?? 0) > 150 ? '  over target' : '';
    lines.push(`  ${procedure.padEnd(26)} ${ms(date?.p50Ms ?? null)} ${ms(date?.p95Ms ?? null)}   ${ms(sliced?.p50Ms ?? null)} ${ms(sliced?.p95Ms ?? null)}${flag}`);
  }
  const l = api.load;
  lines.push(`  load ${l.connections} connections × ${l.durationSeconds} s: ${l.requestsPerSecond.toFixed(1)} req/s, p95 ${ms(l.p95Ms).trim()} ms, p99 ${ms(l.p99Ms).trim()} ms, errors ${l.errors + l.non2xx}, server RSS ${l.serverRssBytes === null ? '–' : mib(l.serverRssBytes)}`);
  return lines;
}
