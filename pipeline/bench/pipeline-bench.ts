/**
 * Pipeline benchmark (issue 4): generate N events (cached by size and seed), time a bare DuckDB
 * CSV → Parquet conversion of the same files (the baseline), then the full raw → gold pipeline on a
 * fresh lake, then two incremental one-day appends. Each step runs in its own process so its peak RSS
 * is its own. Ratios are taken within one run: the machine is shared and noisy, so the baseline runs
 * before and after the pipeline and the ratio is to their mean (both are reported), and a second
 * appended day shows how steady the append is.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary } from '../run';

const REPO = path.resolve(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', path.join(REPO, 'pipeline/cli.ts')];

export interface PipelineBenchResult {
  events: number;
  landingBytes: number;
  /** Over the two baseline runs (before and after the pipeline): mean time and CPU, the larger RSS; `runsMs` has both times. */
  baseline: { ms: number; rows: number; maxRssBytes: number; cpuMs: number; runsMs: number[] };
  pipeline: {
    ms: number;
    maxRssBytes: number;
    cpuMs: number;
    stages: Record<string, number>;
    eventsPerSecond: number;
    ratioToBaseline: number;
    /** CPU seconds ÷ the baseline's: steadier than wall time on a shared machine. */
    cpuRatioToBaseline: number;
  };
  /** The first appended day; `secondDay` appends another one after it. */
  incremental: { ms: number; events: number; stages: Record<string, number>; secondDay: { ms: number; events: number } };
  reconciled: boolean;
}

interface ChildRun {
  stdout: string;
  maxRssBytes: number;
  /** User + system CPU time of the child. */
  cpuMs: number;
  ms: number;
}

/** Runs node with the CLI under /usr/bin/time to learn its peak resident memory and CPU time. */
function runNode(args: string[], env: Record<string, string> = {}): ChildRun {
  const started = performance.now();
  const timeFile = path.join(os.tmpdir(), `clicklake-time-${process.pid}-${Date.now()}`);
  const stdout = execFileSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, process.execPath, ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ms = performance.now() - started;
  const [kib, user, system] = execFileSync('tail', ['-n', '1', timeFile], { encoding: 'utf8' }).trim().split(' ').map(Number);
  rmSync(timeFile, { force: true });
  return { stdout, maxRssBytes: kib * 1024, cpuMs: Math.round((user + system) * 1000), ms };
}

export interface PipelineBenchOptions {
  events: number;
  root?: string;
  seed?: number;
  log?: (line: string) => void;
}

export async function runPipelineBench({ events, root = path.join(REPO, '.tmp/bench'), seed = 42, log = () => undefined }: PipelineBenchOptions): Promise<PipelineBenchResult> {
  const landingDir = path.join(root, `landing-e${events}-s${seed}`);
  const lakeDir = path.join(root, 'lake');
  const marker = path.join(landingDir, '.complete');
  if (!existsSync(marker)) {
    log(`bench: generating ${events.toLocaleString('en-US')} events into ${landingDir}`);
    rmSync(landingDir, { recursive: true, force: true });
    mkdirSync(landingDir, { recursive: true });
    execFileSync(process.execPath, [...CLI, 'generate', '--events', String(events), '--seed', String(seed), '--dirty-rate', '0', '--out', landingDir], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(marker, '');
  }
  const files = readdirSync(landingDir)
    .filter((f) => /\.csv(\.gz)?$/.test(f))
    .sort()
    .map((f) => path.join(landingDir, f));
  const landingBytes = files.reduce((sum, f) => sum + Number(execFileSync('stat', ['-c', '%s', f], { encoding: 'utf8' })), 0);

  const runBaseline = (when: string) => {
    log(`bench: baseline (DuckDB CSV → Parquet of the same files), ${when}`);
    const run = runNode(['--import', 'tsx', path.join(REPO, 'pipeline/bench/baseline.ts'), path.join(root, 'baseline.parquet'), ...files]);
    return { ...run, result: JSON.parse(run.stdout.trim().split('\n').pop()!) as { ms: number; rows: number } };
  };
  const baselines = [runBaseline('before the pipeline')];

  log('bench: full pipeline run (landing → gold) on a fresh lake');
  rmSync(lakeDir, { recursive: true, force: true });
  const full = runNode([...CLI, 'run', '--json', '--landing', landingDir, '--lake', lakeDir]);
  const summary = JSON.parse(full.stdout) as RunSummary;
  baselines.push(runBaseline('after the pipeline'));
  rmSync(path.join(root, 'baseline.parquet'), { force: true });

  // Same files as the full run (already ingested, recognised by fingerprint) plus new days, one per run.
  const incrementalLanding = path.join(root, 'landing-incremental');
  rmSync(incrementalLanding, { recursive: true, force: true });
  mkdirSync(incrementalLanding);
  for (const f of files) execFileSync('ln', ['-s', f, path.join(incrementalLanding, path.basename(f))]);
  const dayEvents = Math.max(1000, Math.round(events / 31));
  const appendDay = (day: string, daySeed: number): RunSummary => {
    log(`bench: incremental one-day append (${day})`);
    const extraDir = path.join(root, `extra-e${events}-${day}`);
    rmSync(extraDir, { recursive: true, force: true });
    execFileSync(process.execPath, [...CLI, 'generate', '--events', String(dayEvents), '--start', day, '--days', '1', '--seed', String(daySeed), '--dirty-rate', '0', '--out', extraDir], {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (const f of readdirSync(extraDir).filter((name) => /\.csv$/.test(name))) execFileSync('cp', [path.join(extraDir, f), path.join(incrementalLanding, `new-${f}`)]);
    rmSync(extraDir, { recursive: true, force: true });
    return JSON.parse(runNode([...CLI, 'run', '--json', '--landing', incrementalLanding, '--lake', lakeDir]).stdout) as RunSummary;
  };
  const incSummary = appendDay('2019-11-01', seed + 1);
  const secondSummary = appendDay('2019-11-02', seed + 2);

  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const baseline = {
    ms: mean(baselines.map((b) => b.result.ms)),
    rows: baselines[0].result.rows,
    maxRssBytes: Math.max(...baselines.map((b) => b.maxRssBytes)),
    cpuMs: mean(baselines.map((b) => b.cpuMs)),
    runsMs: baselines.map((b) => b.result.ms),
  };
  const stages = (s: RunSummary) => Object.fromEntries(s.stages.map((st) => [st.stage, st.durationMs]));
  return {
    events,
    landingBytes,
    baseline,
    pipeline: {
      ms: summary.durationMs,
      maxRssBytes: full.maxRssBytes,
      cpuMs: full.cpuMs,
      cpuRatioToBaseline: full.cpuMs / baseline.cpuMs,
      stages: stages(summary),
      eventsPerSecond: Math.round(events / (summary.durationMs / 1000)),
      ratioToBaseline: summary.durationMs / baseline.ms,
    },
    incremental: {
      ms: incSummary.durationMs,
      events: incSummary.bronze.rows,
      stages: stages(incSummary),
      secondDay: { ms: secondSummary.durationMs, events: secondSummary.bronze.rows },
    },
    reconciled: [summary, incSummary, secondSummary].every((s) => s.reconciliation.balanced),
  };
}
