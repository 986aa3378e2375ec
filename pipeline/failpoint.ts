/**
 * Crash tests: `CLICKLAKE_FAILPOINT=<name>` kills the process (SIGKILL, no cleanup) when it passes the
 * point of that name, so a test can stop a run at an exact commit and check that the next run
 * finishes the work. Points: `gold.<table>` — just after a commit to that gold table.
 */
export function failpoint(name: string): void {
  if (process.env.CLICKLAKE_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
