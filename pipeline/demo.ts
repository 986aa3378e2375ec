/**
 * `npm run demo`: from a fresh clone to a running dashboard. Generates sample data when landing is
 * empty, runs the pipeline, builds the production app and serves it on http://localhost:3000.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolveLandingDir } from './config';
import { commands } from './commands/index';

const PORT = process.env.PORT ?? '3000';

function step(title: string, command: string, args: string[]): void {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) {
    console.error(`demo: '${title}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const has = (name: string) => commands.some((command) => command.name === name);
const cli = (...args: string[]) => ['--import', 'tsx', 'pipeline/cli.ts', ...args];

const landing = resolveLandingDir();
const hasData = existsSync(landing) && readdirSync(landing).some((file) => /\.csv(\.gz)?$/.test(file));
if (!hasData && has('generate')) {
  step('Generating 1,000,000 sample events into data/landing', process.execPath, cli('generate', '--dirty-rate', '0.001'));
}
if (has('run')) step('Running the pipeline: landing → bronze → silver → gold', process.execPath, cli('run'));
step('Building the dashboard (production build)', 'npx', ['next', 'build']);
console.log(`\nClickLake is starting on http://localhost:${PORT}`);
step('Serving the dashboard', 'npx', ['next', 'start', '-p', PORT]);
