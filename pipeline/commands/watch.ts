import { defineCommand } from '../cli/command';
import { parseNumber } from '../cli/parse';
import { resolveLakeDir, resolveLandingDir } from '../config';
import { openDuckDB } from '../db';
import { listLandingFiles } from '../layers/bronze/landing';
import { runPipeline } from '../run';
import { formatSummary } from './run';

/**
 * The "real-time" mode: polls landing and runs a micro-batch when a file appears or changes. A bad
 * file is reported once and skipped (the next good file still flows); Ctrl-C lets the current batch
 * finish its commits and then stops (a second Ctrl-C stops at once — still safe, as every commit is
 * atomic and the next run resumes from the txn markers).
 */
export const watchCommand = defineCommand<{ interval?: string; landing?: string; lake?: string }>({
  name: 'watch',
  summary: 'Poll the landing directory and run a micro-batch whenever new files arrive.',
  usage: '[--interval SECONDS] [--landing DIR] [--lake DIR]',
  optionHelp: ['--interval SECONDS     how often to look for new files (default 5)', '--landing DIR          landing directory', '--lake DIR             lake directory'],
  options: { interval: { type: 'string' }, landing: { type: 'string' }, lake: { type: 'string' } },
  async run({ values, out, err }) {
    const interval = parseNumber('interval', values.interval, { min: 0.2, max: 86_400 }) ?? 5;
    const landingDir = resolveLandingDir(values.landing);
    const lakeDir = resolveLakeDir(values.lake);
    const instance = await openDuckDB();
    const seen = new Map<string, string>();
    let stopping = false;
    let wake: (() => void) | undefined;
    const onSignal = () => {
      if (stopping) process.exit(130);
      stopping = true;
      err.write('watch: stopping after the current batch (Ctrl-C again to stop now)\n');
      wake?.();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    err.write(`watch: polling ${landingDir} every ${interval} s (Ctrl-C to stop)\n`);
    try {
      while (!stopping) {
        const files = listLandingFiles(landingDir);
        const fresh = files.filter((f) => seen.get(f.name) !== `${f.size}:${f.mtimeMs}`);
        if (fresh.length > 0) {
          err.write(`watch: ${fresh.length} new or changed file(s): ${fresh.map((f) => f.name).join(', ')}\n`);
          try {
            const summary = await runPipeline({ landingDir, lakeDir, instance, log: (line) => err.write(`${line}\n`) });
            out.write(formatSummary(summary));
          } catch (error) {
            // A failed batch leaves every table at a committed version; report it and keep watching.
            err.write(`watch: batch failed: ${error instanceof Error ? error.message : String(error)}\n`);
          }
          for (const f of fresh) seen.set(f.name, `${f.size}:${f.mtimeMs}`);
        }
        if (stopping) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval * 1000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    err.write('watch: stopped\n');
  },
});
