/**
 * A real lake for tests: generated landing files run through the real pipeline. Built once per
 * parameter set under `.tmp/test-lakes/` and reused by later test files and runs (a lake whose build
 * did not finish is never reused: the marker file is written last).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPipeline, type RunSummary } from '../run';

export interface TestLakeOptions {
  events?: number;
  seed?: number;
  dirtyRate?: number;
  days?: number;
  /** Root for test lakes (default `<repo>/.tmp/test-lakes`). */
  root?: string;
}

export interface TestLake {
  root: string;
  landingDir: string;
  lakeDir: string;
}

const REPO = path.resolve(import.meta.dirname, '../..');

export function generateLanding(outDir: string, { events = 50_000, seed = 7, dirtyRate = 0.01, days = 31 }: TestLakeOptions = {}): void {
  mkdirSync(outDir, { recursive: true });
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(REPO, 'pipeline/cli.ts'), 'generate', '--events', String(events), '--seed', String(seed), '--dirty-rate', String(dirtyRate), '--days', String(days), '--out', outDir],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

export async function buildTestLake(options: TestLakeOptions = {}): Promise<TestLake & { summary?: RunSummary }> {
  const { events = 50_000, seed = 7, dirtyRate = 0.01, days = 31 } = options;
  const root = path.join(options.root ?? path.join(REPO, '.tmp/test-lakes'), `e${events}-s${seed}-d${dirtyRate}-days${days}`);
  const lake: TestLake = { root, landingDir: path.join(root, 'landing'), lakeDir: path.join(root, 'lake') };
  const marker = path.join(root, '.complete');
  if (existsSync(marker)) return lake;
  // Several test files may ask for the same lake at once: one builds it, the others wait.
  const lock = `${root}.lock`;
  mkdirSync(path.dirname(root), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(marker)) return lake;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (existsSync(marker)) return lake;
    rmSync(root, { recursive: true, force: true });
    generateLanding(lake.landingDir, { events, seed, dirtyRate, days });
    const summary = await runPipeline({ landingDir: lake.landingDir, lakeDir: lake.lakeDir });
    writeFileSync(marker, new Date().toISOString());
    return { ...lake, summary };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
