/**
 * Step timings for finding where a stage spends its time: `CLICKLAKE_PROFILE=1 clicklake run` prints
 * one line per timed step on stderr, with the cores the process kept busy meanwhile (CPU time ÷ wall
 * time: below the core count, something ran serially). Off by default; the cost when off is one env
 * lookup per step.
 */
export async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!process.env.CLICKLAKE_PROFILE) return work();
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const cores = wall > 0 ? (used.user + used.system) / 1000 / wall : 0;
    process.stderr.write(`profile: ${label.padEnd(44)} ${wall.toFixed(0).padStart(7)} ms  ${cores.toFixed(1)} cores\n`);
  }
}
