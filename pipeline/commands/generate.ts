/**
 * `clicklake generate`: synthetic REES46-format clickstream files in the landing directory (DESIGN
 * section 6). The generator lives in pipeline/generate/; this file parses and checks the options.
 */
import { accessSync, constants, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineCommand } from '../cli/command';
import { UsageError } from '../cli/errors';
import { parseDate, parseInteger, parseNumber } from '../cli/parse';
import { createProgress, formatCount, formatDuration } from '../cli/progress';
import { resolveLandingDir } from '../config';
import { generate } from '../generate/generate';
import { FULL_EVENTS } from '../generate/population';

interface GenerateValues {
  events?: string;
  start?: string;
  days?: string;
  seed?: string;
  'dirty-rate'?: string;
  'remove-rate'?: string;
  out?: string;
  'single-file'?: boolean;
  gzip?: boolean;
  workers?: string;
}

export const generateCommand = defineCommand<GenerateValues>({
  name: 'generate',
  summary: 'Write synthetic clickstream CSV files (REES46 format, calibrated on the real October 2019 month) into landing.',
  usage: '[--events N|full] [--start 2019-10-01] [--days 31] [--seed S] [--dirty-rate R] [--out DIR] [--single-file] [--gzip]',
  optionHelp: [
    '--events N|full        number of lines (default 1000000; full = 42448764, the real month)',
    '--start YYYY-MM-DD     first day (default 2019-10-01)',
    '--days N               number of days, 1-366 (default 31)',
    '--seed S               integer seed; same arguments and seed give byte-identical files (default 1)',
    '--dirty-rate R         fraction of lines given an injected fault, 0-0.5 (default 0); see _faults.json',
    '--remove-rate R        probability that a cart is later removed (remove_from_cart), 0-1 (default 0,',
    '                       as in the real October file)',
    '--out DIR              output directory (default $CLICKLAKE_LANDING or data/landing)',
    '--single-file          one file for the whole window instead of one per day',
    '--gzip                 write .csv.gz',
    '--workers N            worker threads, 0 = in this thread (default 2; output does not depend on it)',
  ],
  options: {
    events: { type: 'string' },
    start: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    'dirty-rate': { type: 'string' },
    'remove-rate': { type: 'string' },
    out: { type: 'string' },
    'single-file': { type: 'boolean' },
    gzip: { type: 'boolean' },
    workers: { type: 'string' },
  },
  async run({ values, out, err }) {
    const events = values.events === 'full' ? FULL_EVENTS : (parseInteger('events', values.events, { min: 1, max: 500_000_000 }) ?? 1_000_000);
    const startMs = parseDate('start', values.start) ?? Date.UTC(2019, 9, 1);
    const days = parseInteger('days', values.days, { min: 1, max: 366 }) ?? 31;
    const seed = parseInteger('seed', values.seed, { min: 0 }) ?? 1;
    const dirtyRate = parseNumber('dirty-rate', values['dirty-rate'], { min: 0, max: 0.5 }) ?? 0;
    const removeRate = parseNumber('remove-rate', values['remove-rate'], { min: 0, max: 1 }) ?? 0;
    const workers = parseInteger('workers', values.workers, { min: 0, max: 16 }) ?? 2;
    const outDir = resolveLandingDir(values.out);
    ensureWritable(outDir);
    const singleFile = Boolean(values['single-file']);
    const gzip = Boolean(values.gzip);

    const bar = createProgress({ label: 'generate', total: events, unit: 'rows' });
    const tty = Boolean(process.stderr.isTTY);
    const summary = await generate({
      options: { events, startMs, days, seed, dirtyRate, removeRate },
      outDir,
      gzip,
      singleFile,
      workers,
      onProgress: (lines) => bar.update(lines),
      onFile: (file) => {
        if (!tty) err.write(`  wrote ${file.name}  ${file.lines.toLocaleString('en-US')} rows  ${formatCount(file.bytes)}B\n`);
      },
    });
    bar.done();
    warnAboutOtherFiles(outDir, new Set(summary.files.map((f) => f.name)), err);
    const seconds = summary.durationMs / 1000;
    out.write(
      `generated ${summary.files.length} file(s), ${summary.lines.toLocaleString('en-US')} rows, ${formatCount(summary.bytes)}B in ${formatDuration(summary.durationMs)} ` +
        `(${formatCount(summary.lines / seconds)} rows/s) into ${outDir}; faults in ${path.basename(summary.manifest)}\n`,
    );
  },
});

/** The output folder must exist (or be creatable) and accept files; anything else is bad input (exit 2). */
function ensureWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
    const probe = path.join(dir, `.clicklake-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`--out ${dir} is not a writable directory (${code})`);
  }
}

/** Landing files this run did not write would be ingested with it; say so rather than delete them. */
function warnAboutOtherFiles(dir: string, written: Set<string>, err: NodeJS.WritableStream): void {
  const others = readdirSync(dir).filter((name) => /^[^.].*\.csv(\.gz)?$/i.test(name) && !written.has(name));
  if (others.length > 0) err.write(`note: ${dir} also holds ${others.length} other CSV file(s) (e.g. ${others[0]}), which a pipeline run would ingest too\n`);
}
