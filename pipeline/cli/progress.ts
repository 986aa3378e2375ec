/**
 * Progress reporting for long work. On a TTY it redraws one bar line on stderr; elsewhere (CI, pipes,
 * log files) it prints a plain line at most every few seconds and at the end, so logs stay readable.
 */
export interface Progress {
  /** Set the absolute amount done (same unit as total). */
  update(done: number): void;
  /** Finish the bar with a closing message. */
  done(message?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between plain (non-TTY) log lines. */
  logEveryMs?: number;
}

const BAR_WIDTH = 28;

export function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function createProgress({ label, total, unit = '', stream = process.stderr, logEveryMs = 5000 }: ProgressOptions): Progress {
  const started = performance.now();
  const tty = Boolean(stream.isTTY);
  let lastDraw = 0;
  let current = 0;
  const suffix = unit ? ` ${unit}` : '';

  const line = (): string => {
    const fraction = total > 0 ? Math.min(1, current / total) : 0;
    const elapsed = performance.now() - started;
    const rate = elapsed > 0 ? (current / elapsed) * 1000 : 0;
    return `${label} ${(fraction * 100).toFixed(0).padStart(3)}% ${formatCount(current)}/${formatCount(total)}${suffix} (${formatCount(rate)}${suffix}/s)`;
  };

  return {
    update(done) {
      current = done;
      const now = performance.now();
      if (tty) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        const fraction = total > 0 ? Math.min(1, current / total) : 0;
        const filled = Math.round(fraction * BAR_WIDTH);
        stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${line()}\x1b[K`);
      } else if (now - lastDraw >= logEveryMs) {
        lastDraw = now;
        stream.write(`${line()}\n`);
      }
    },
    done(message) {
      const elapsed = formatDuration(performance.now() - started);
      const text = `${label} done in ${elapsed}${message ? `: ${message}` : ''}`;
      stream.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`);
    },
  };
}
