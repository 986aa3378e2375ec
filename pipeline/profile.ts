/**
 * Step timings for finding where a stage spends its time: `CLICKLAKE_PROFILE=1 clicklake run` prints
 * one line per timed step on stderr. Off by default; the cost when off is one env lookup per step.
 */
export async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.CLICKLAKE_PROFILE) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    process.stderr.write(`profile: ${label.padEnd(44)} ${(performance.now() - started).toFixed(0).padStart(7)} ms\n`);
  }
}
