/**
 * `node --import tsx e2e/prepare-lake.ts`: builds the lake the production server reads, from generated data through the real pipeline, in
 * two runs so the Technical page has history and time travel has an older version to show: run 1
 * loads the first 24 days, run 2 the rest. Cached under `.tmp/e2e/` (the marker is written last, so
 * a lake whose build did not finish is rebuilt); E2E_LAKE points the server elsewhere.
 *
 * It runs as the first half of Playwright's web server command, not as a globalSetup: Playwright
 * starts the web server before globalSetup, and a server without a lake never answers its readiness
 * probe, so on a clean clone the two waited on each other until the timeout.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPipeline } from '../pipeline/run';
import { generateLanding } from '../pipeline/testing/test-lake';
import { E2E_LAKE_PARAMS, E2E_ROOT } from './lake-location';

async function prepareLake(): Promise<void> {
  if (process.env.E2E_LAKE) return;
  const marker = path.join(E2E_ROOT, '.complete');
  if (existsSync(marker)) return;
  rmSync(E2E_ROOT, { recursive: true, force: true });
  const generated = path.join(E2E_ROOT, 'generated');
  const landing = path.join(E2E_ROOT, 'landing');
  const lake = path.join(E2E_ROOT, 'lake');
  mkdirSync(landing, { recursive: true });
  const started = Date.now();
  generateLanding(generated, E2E_LAKE_PARAMS);
  const files = readdirSync(generated).filter((f) => /\.csv(\.gz)?$/.test(f)).sort();
  const firstRun = files.slice(0, Math.max(1, files.length - 7));
  for (const f of firstRun) copyFileSync(path.join(generated, f), path.join(landing, f));
  await runPipeline({ landingDir: landing, lakeDir: lake });
  for (const f of files.slice(firstRun.length)) copyFileSync(path.join(generated, f), path.join(landing, f));
  await runPipeline({ landingDir: landing, lakeDir: lake });
  writeFileSync(marker, new Date().toISOString());
  console.log(`e2e lake: ${files.length} landing files in 2 runs, built in ${((Date.now() - started) / 1000).toFixed(1)} s at ${lake}`);
}

await prepareLake();
